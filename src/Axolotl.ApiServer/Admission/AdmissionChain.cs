using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Api.Core;
using Axolotl.Api.Defaulting;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.Api.Serialization;
using Axolotl.Api.Validation;
using Axolotl.ApiServer.Admission.PodSecurity;
using Axolotl.ApiServer.Errors;

namespace Axolotl.ApiServer.Admission;

/// <summary>
/// What every write goes through before it reaches the store: decode into the typed model
/// (catching unknown fields per fieldValidation), apply Kubernetes defaults, validate.
/// Returns the JSON to store, re-encoded from the typed model so defaults are included.
/// </summary>
public sealed class AdmissionChain
{
    /// <summary>The DefaultTolerationSeconds plugin's settings (applied to pods on create).</summary>
    public DefaultTolerationSeconds DefaultTolerations { get; init; } = new();

    /// <summary>The PodSecurity plugin; null only where a test builds a chain without a store.</summary>
    public PodSecurityAdmission? PodSecurity { get; init; }

    /// <summary>
    /// Validating admission that reads other objects (PodSecurity): the handlers run it on the admitted
    /// object after their own checks and before quota, as upstream orders its validating plugins.
    /// </summary>
    public Task ValidateAsync(PodSecurityRequest request, ICollection<string> warnings, CancellationToken ct) =>
        PodSecurity?.AdmitAsync(request, warnings, ct) ?? Task.CompletedTask;

    /// <param name="mutate">Mutating admission (LimitRanger's defaults): runs after defaulting, before validation, as upstream orders them.</param>
    public JsonObject Admit(ResourceType type, JsonObject obj, JsonObject? old, FieldValidationMode mode, ICollection<string> warnings, Action<KubeObject>? mutate = null,
        string? subresource = null)
    {
        var typed = Decode(type, obj, mode, warnings);
        var typedOld = old is null ? null : DecodeQuietly(type, old);
        if (typed is Service service && typedOld is Service oldService)
        {
            // An update that omits clusterIP or node ports keeps the allocated ones, as upstream's registry does.
            ServiceDefaults.KeepAllocatedValues(service, oldService);
        }
        if (old is null)
        {
            ObjectDefaulter.ApplyOnCreate(typed);
        }
        else
        {
            ObjectDefaulter.Apply(typed);
        }
        if (old is null && typed is Pod pod)
        {
            DefaultTolerations.Apply(pod);
        }
        mutate?.Invoke(typed);
        var errors = subresource == "ephemeralcontainers" && typed is Pod withEphemeral && typedOld is Pod oldPod
            ? PodValidation.ValidateEphemeralContainersUpdate(withEphemeral, oldPod)
            : ObjectValidator.Validate(typed, typedOld);
        if (errors.Count > 0)
        {
            throw ApiErrors.Invalid(type, typed.Metadata.Name ?? typed.Metadata.GenerateName ?? "", errors);
        }
        var result = KubeJson.ToNode(typed, type.ClrType);
        result["apiVersion"] = type.ApiVersion;
        result["kind"] = type.Kind;
        return result;
    }

    public static KubeObject Decode(ResourceType type, JsonObject obj, FieldValidationMode mode, ICollection<string> warnings)
    {
        KubeObject typed;
        try
        {
            GoNulls.Normalize(obj, type.ClrType);
            typed = KubeJson.FromNode(obj, type.ClrType) as KubeObject
                ?? throw ApiErrors.BadRequest($"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: null object");
        }
        catch (JsonException e)
        {
            throw ApiErrors.BadRequest($"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: {Describe(e)}");
        }
        if (mode == FieldValidationMode.Ignore)
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
            return KubeJson.FromNode(obj, type.ClrType) as KubeObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Describe(JsonException e) =>
        e.Path is { Length: > 0 } path ? $"json: {e.Message.Split(" Path:")[0]} (at {path.TrimStart('$', '.')})" : $"json: {e.Message}";
}
