using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Api.AdmissionRegistration;
using Axolotl.Api.Apiextensions;
using Axolotl.Api.Core;
using Axolotl.Api.Defaulting;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.Api.Serialization;
using Axolotl.Api.Validation;
using Axolotl.ApiServer.Apiextensions;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Registry;

namespace Axolotl.ApiServer.Admission;

/// <summary>
/// What every write goes through before it reaches the store, in upstream's order: decode into the
/// typed model (catching unknown fields per fieldValidation) and apply Kubernetes defaults
/// (<see cref="Default"/>; the handler records managedFields here, as upstream's field manager does before
/// admission); the mutating plugins and the kind's validation (<see cref="MutateAsync"/>); the validating
/// plugins; and last the plugin that holds its decision through the write (ResourceQuota). The plugins and their order are
/// <see cref="AdmissionPlugins"/>, registered once where the server is composed.
/// </summary>
public sealed class AdmissionChain(AdmissionPlugins plugins)
{
    /// <summary>A chain with no plugins: decoding, defaulting and validation only (tests, and the server's own writes).</summary>
    public AdmissionChain()
        : this(AdmissionPlugins.None)
    {
    }

    public AdmissionPlugins Plugins { get; } = plugins;

    /// <summary>
    /// The first step of a create or update: decodes <see cref="AdmissionAttributes.Object"/> (catching unknown
    /// fields per fieldValidation) and applies the kind's defaults, as upstream's decoder does. The handler records
    /// the write in managedFields on what this returns, then calls <see cref="MutateAsync"/>.
    /// </summary>
    public DefaultedObject Default(AdmissionAttributes attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        var type = attributes.Type;
        var body = attributes.Object ?? throw new InvalidOperationException("admission of a write needs its object");
        PrepareSchemaless(type, body, attributes.OldObject is null, attributes.FieldValidation, attributes.Warnings);
        var typed = Decode(type, body, attributes.FieldValidation, attributes.Warnings);
        var typedOld = attributes.OldObject is { } old ? DecodeQuietly(type, old) : null;
        ApplyDefaults(typed, typedOld);
        attributes.DecodedOldObject = typedOld;
        return new DefaultedObject(type, typed, typedOld);
    }

    /// <summary>
    /// The mutating phase of a create or update: every mutating plugin that handles the request, in order (their
    /// changes to managedFields kept only while valid, <see cref="ManagedFieldsProtection"/>), what the kind's
    /// registry sets on create, then the kind's validation. Sets and returns the admitted JSON: encoded from the
    /// typed model, or, for an update no plugin handles, the defaulted JSON the field manager already had.
    /// </summary>
    public async Task<JsonObject> MutateAsync(AdmissionAttributes attributes, DefaultedObject defaulted, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        ArgumentNullException.ThrowIfNull(defaulted);
        var type = attributes.Type;
        defaulted.BeginMutating();
        var handling = Handling(attributes);
        if (handling.Count == 0 && !IsSchemaless(type, defaulted.Typed) && Unchanged(attributes, defaulted) is { } unchanged)
        {
            Check(type, defaulted.Typed, defaulted.Old, attributes.Subresource);
            attributes.Object = unchanged;
            return unchanged;
        }
        defaulted.CarryManagedFields();
        var managedFields = defaulted.Typed.Metadata.ManagedFields;
        foreach (var plugin in handling)
        {
            if (plugin is IReplacingAdmissionPlugin replacing)
            {
                defaulted.Typed = await replacing.AdmitReplacingAsync(attributes, defaulted.Typed, ct);
                continue;
            }
            await plugin.AdmitAsync(attributes, defaulted.Typed, ct);
        }
        ManagedFieldsProtection.KeepValid(managedFields, defaulted.Typed, attributes.Warnings);
        if (attributes.OldObject is null)
        {
            ObjectDefaulter.PrepareForCreate(defaulted.Typed);
        }
        var admitted = Validate(type, defaulted.Typed, defaulted.Old, attributes.Subresource, attributes.Warnings);
        attributes.Object = admitted;
        return admitted;
    }

    /// <summary>
    /// The admitted JSON of a write no plugin handles, without encoding the typed object again: the field manager's
    /// defaulted JSON with its managedFields. An update takes it as it is; a create only when its kind has nothing
    /// to prepare on create (most kinds: an Event, a ConfigMap), so the typed object is still what was encoded.
    /// </summary>
    private static JsonObject? Unchanged(AdmissionAttributes attributes, DefaultedObject defaulted)
    {
        if (attributes.OldObject is null && ObjectDefaulter.PreparesOnCreate(defaulted.Typed))
        {
            return null;
        }
        return defaulted.Unchanged();
    }

    private List<IMutatingAdmissionPlugin> Handling(AdmissionAttributes attributes)
    {
        var handling = new List<IMutatingAdmissionPlugin>(Plugins.Mutating.Count);
        foreach (var plugin in Plugins.Mutating)
        {
            if (plugin.Handles(attributes))
            {
                handling.Add(plugin);
            }
        }
        return handling;
    }

    /// <summary>The validating phase: every validating plugin in order, on the admitted object (or, for a delete, the one going).</summary>
    public async Task ValidateAsync(AdmissionAttributes attributes, CancellationToken ct)
    {
        foreach (var plugin in Plugins.Validating)
        {
            await plugin.ValidateAsync(attributes, ct);
        }
    }

    /// <summary>
    /// The last validating plugin (ResourceQuota), which decides and then runs <paramref name="write"/>
    /// (null for a dry run) before anything else can change its answer. Returns what was stored.
    /// </summary>
    public async Task<StoredObject?> WriteAsync(AdmissionAttributes attributes, Func<Task<StoredObject>>? write, CancellationToken ct)
    {
        if (Plugins.Writing is { } plugin)
        {
            return await plugin.AdmitWriteAsync(attributes, write, ct);
        }
        return write is null ? null : await write();
    }

    /// <summary>
    /// Decoding, defaulting and validation without plugins, for the objects the server writes itself
    /// (bootstrap namespaces and roles, its Lease, the kubernetes Service): no request, no user, nothing to admit.
    /// </summary>
    public JsonObject Admit(ResourceType type, JsonObject obj, JsonObject? old, FieldValidationMode mode, ICollection<string> warnings)
    {
        PrepareSchemaless(type, obj, old is null, mode, warnings);
        var typed = Decode(type, obj, mode, warnings);
        var typedOld = old is null ? null : DecodeQuietly(type, old);
        ApplyDefaults(typed, typedOld);
        if (old is null)
        {
            ObjectDefaulter.PrepareForCreate(typed);
        }
        return Validate(type, typed, typedOld, subresource: null, warnings);
    }

    private static void ApplyDefaults(KubeObject typed, KubeObject? typedOld)
    {
        if (typed is Service service && typedOld is Service oldService)
        {
            // An update that omits clusterIP or node ports keeps the allocated ones, as upstream's registry does.
            ServiceDefaults.KeepAllocatedValues(service, oldService);
        }
        ObjectDefaulter.Apply(typed);
    }

    /// <summary>
    /// Custom resources and CRDs are JSON, not C# models: a custom resource is pruned to its schema (what
    /// was dropped is an unknown field to fieldValidation) and defaulted from it; a CRD gets upstream's defaults.
    /// </summary>
    private static void PrepareSchemaless(ResourceType type, JsonObject body, bool create, FieldValidationMode mode, ICollection<string> warnings)
    {
        if (type.IsCustom)
        {
            if (create && type.Custom!.Terminating)
            {
                throw ApiErrors.MethodNotAllowed("create not allowed while custom resource definition is terminating");
            }
            var pruned = CustomResourceStrategy.PruneAndDefault(type, body);
            if (pruned.Count > 0 && mode == FieldValidationMode.Strict)
            {
                var list = string.Join(", ", pruned.Select(f => $"unknown field \"{f}\""));
                throw ApiErrors.BadRequest($"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: strict decoding error: {list}");
            }
            if (mode == FieldValidationMode.Warn)
            {
                foreach (var field in pruned)
                {
                    warnings.Add($"unknown field \"{field}\"");
                }
            }
        }
        else if (type.ClrType == typeof(CustomResourceDefinition))
        {
            CustomResourceDefinitionStrategy.Default(body, create);
        }
    }

    private static bool IsSchemaless(ResourceType type, KubeObject typed) => type.IsCustom || typed is CustomResourceDefinition;

    private static JsonObject Validate(ResourceType type, KubeObject typed, KubeObject? typedOld, string? subresource, ICollection<string> warnings)
    {
        if (IsSchemaless(type, typed))
        {
            return ValidateSchemaless(type, typed, typedOld, subresource, warnings);
        }
        Check(type, typed, typedOld, subresource);
        var result = KubeJson.ToNode(typed, type.ClrType);
        result["apiVersion"] = type.ApiVersion;
        result["kind"] = type.Kind;
        return result;
    }

    /// <summary>The validation of a built-in kind (schemaless kinds validate their JSON: <see cref="ValidateSchemaless"/>).</summary>
    private static void Check(ResourceType type, KubeObject typed, KubeObject? typedOld, string? subresource)
    {
        IReadOnlyList<FieldError> errors = (subresource, typed, typedOld) switch
        {
            ("ephemeralcontainers", Pod withEphemeral, Pod oldPod) => PodValidation.ValidateEphemeralContainersUpdate(withEphemeral, oldPod),
            ("status", Pod withStatus, Pod oldPod) => PodValidation.ValidateStatusUpdate(withStatus, oldPod),
            _ => ObjectValidator.Validate(typed, typedOld),
        };
        if (typed is MutatingWebhookConfiguration or ValidatingWebhookConfiguration)
        {
            // The expressions are compiled here: the API layer has no CEL.
            errors = [.. errors, .. Webhooks.WebhookMatchConditions.Validate(typed, typedOld)];
        }
        if (typed is ValidatingAdmissionPolicy policy && errors.Count == 0)
        {
            // Compiled once the fields the expressions depend on (paramKind, variable names) are known to be sound.
            errors = Policies.PolicyCompiler.Validate(policy, typedOld as ValidatingAdmissionPolicy);
        }
        if (errors.Count > 0)
        {
            throw ApiErrors.Invalid(type, typed.Metadata.Name ?? typed.Metadata.GenerateName ?? "", errors);
        }
    }

    private static JsonObject ValidateSchemaless(ResourceType type, KubeObject typed, KubeObject? typedOld, string? subresource, ICollection<string> warnings)
    {
        var result = KubeJson.ToNode(typed, type.ClrType);
        result["apiVersion"] = type.ApiVersion;
        result["kind"] = type.Kind;
        var errors = type.IsCustom
            ? CustomResourceStrategy.Validate(type, typed, typedOld, result, subresource, warnings)
            : CustomResourceDefinitionStrategy.Validate(typed, typedOld, result, typedOld is null ? null : KubeJson.ToNode(typedOld, type.ClrType));
        if (errors.Count > 0)
        {
            throw ApiErrors.Invalid(type, typed.Metadata.Name ?? typed.Metadata.GenerateName ?? "", errors);
        }
        return result;
    }

    public static KubeObject Decode(ResourceType type, JsonObject obj, FieldValidationMode mode, ICollection<string> warnings)
    {
        KubeObject typed;
        try
        {
            // FromNode's own two steps (write the node, read the bytes), with GoNulls only for a body that has a null:
            // its walk would build the node tree of the whole body, which the write alone does not need.
            var json = KubeJson.ToUtf8(obj);
            if (KubeJson.ContainsNull(json))
            {
                GoNulls.Normalize(obj, type.ClrType);
                json = KubeJson.ToUtf8(obj);
            }
            typed = KubeJson.FromUtf8(json, type.ClrType) as KubeObject
                ?? throw ApiErrors.BadRequest($"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: null object");
        }
        catch (JsonException e)
        {
            throw ApiErrors.BadRequest($"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: {Describe(e)}");
        }
        // Schemaless kinds keep everything but metadata in extension data: unknown fields are the pruner's to find.
        if (mode == FieldValidationMode.Ignore || typed is CustomResource or CustomResourceDefinition)
        {
            return typed;
        }
        var unknown = UnknownFields.Find(typed);
        if (unknown.Count == 0)
        {
            return typed;
        }
        if (mode == FieldValidationMode.Strict)
        {
            var list = string.Join(", ", unknown.Select(f => $"unknown field \"{f}\""));
            throw ApiErrors.BadRequest($"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: strict decoding error: {list}");
        }
        foreach (var field in unknown)
        {
            warnings.Add($"unknown field \"{field}\"");
        }
        return typed;
    }

    private static KubeObject? DecodeQuietly(ResourceType type, JsonObject obj)
    {
        try
        {
            return KubeJson.FromUtf8(KubeJson.ToUtf8(obj), type.ClrType) as KubeObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Describe(JsonException e) =>
        e.Path is { Length: > 0 } path ? $"json: {e.Message.Split(" Path:")[0]} (at {path.TrimStart('$', '.')})" : $"json: {e.Message}";
}
