using System.Text.Json.Nodes;
using Axolotl.Api.AdmissionRegistration;
using Axolotl.Api.Apiextensions.Schema;
using Axolotl.Api.Meta;
using Axolotl.Api.Serialization;
using Axolotl.Api.Validation;

namespace Axolotl.Api.Apiextensions.Definitions;

/// <summary>
/// Upstream's ValidateCustomResourceDefinition for the part of the spec this server serves: the name is
/// plural.group, names are DNS labels, one storage version, at least one served, a structural schema per
/// version, subresource paths and printer columns, and the parts of CEL rules (x-kubernetes-validations)
/// that need no compiler; the API server compiles the rules; and spec.conversion (None, or a Webhook
/// with its clientConfig and ConversionReview versions).
/// </summary>
public static class CustomResourceDefinitionValidation
{
    private static readonly string[] Scopes = ["Cluster", "Namespaced"];
    private static readonly string[] ColumnTypes = ["boolean", "date", "integer", "number", "string"];

    public static IReadOnlyList<FieldError> Validate(JsonObject crd, JsonObject? old)
    {
        ArgumentNullException.ThrowIfNull(crd);
        var errors = new List<FieldError>();
        var spec = crd["spec"] as JsonObject;
        var specPath = FieldPath.Root.Child("spec");
        if (spec is null)
        {
            errors.Add(FieldError.Required(specPath));
            return errors;
        }
        var group = Str(spec, "group");
        var names = spec["names"] as JsonObject ?? [];
        var plural = Str(names, "plural");
        var name = Str(crd["metadata"] as JsonObject ?? [], "name");
        if (name != $"{plural}.{group}")
        {
            errors.Add(FieldError.Invalid(FieldPath.Root.Child("metadata", "name"), name, "must be spec.names.plural+\".\"+spec.group"));
        }
        ValidateGroup(group, specPath.Child("group"), errors);
        var scope = Str(spec, "scope");
        if (scope.Length == 0)
        {
            errors.Add(FieldError.Required(specPath.Child("scope")));
        }
        else if (!Scopes.Contains(scope))
        {
            errors.Add(FieldError.NotSupported(specPath.Child("scope"), scope, Scopes));
        }
        if (old?["spec"] is JsonObject oldSpec && Str(oldSpec, "scope") is { Length: > 0 } oldScope && oldScope != scope)
        {
            errors.Add(FieldError.Invalid(specPath.Child("scope"), scope, "field is immutable"));
        }
        ValidateNames(names, specPath.Child("names"), errors);
        ValidateVersions(spec["versions"] as JsonArray, specPath.Child("versions"), errors);
        ValidateConversion(spec, old, specPath.Child("conversion"), errors);
        if (old is not null)
        {
            ValidateStoredVersions(crd["status"] as JsonObject ?? old["status"] as JsonObject, spec["versions"] as JsonArray, errors);
        }
        return errors;
    }

    /// <summary>
    /// Objects may still be stored at every version in status.storedVersions: a version leaves
    /// spec.versions only after it left storedVersions (after a storage migration), as upstream requires.
    /// </summary>
    private static void ValidateStoredVersions(JsonObject? status, JsonArray? versions, List<FieldError> errors)
    {
        var declared = (versions ?? []).OfType<JsonObject>().Select(v => Str(v, "name")).ToHashSet(StringComparer.Ordinal);
        var stored = status?["storedVersions"] as JsonArray ?? [];
        for (var i = 0; i < stored.Count; i++)
        {
            if (stored[i]?.ToString() is { } version && !declared.Contains(version))
            {
                errors.Add(FieldError.Invalid(FieldPath.Root.Child("status", "storedVersions").Index(i), version, "must appear in spec.versions"));
            }
        }
    }

    private static void ValidateGroup(string group, FieldPath path, List<FieldError> errors)
    {
        if (group.Length == 0)
        {
            errors.Add(FieldError.Required(path));
            return;
        }
        foreach (var message in NameRules.DNS1123Subdomain(group))
        {
            errors.Add(FieldError.Invalid(path, group, message));
        }
        if (!group.Contains('.', StringComparison.Ordinal))
        {
            errors.Add(FieldError.Invalid(path, group, "should be a domain with at least one dot"));
        }
    }

    private static void ValidateNames(JsonObject names, FieldPath path, List<FieldError> errors)
    {
        foreach (var field in new[] { "plural", "singular" })
        {
            var value = Str(names, field);
            if (value.Length == 0)
            {
                if (field == "plural")
                {
                    errors.Add(FieldError.Required(path.Child(field)));
                }
                continue;
            }
            foreach (var message in NameRules.DNS1035Label(value))
            {
                errors.Add(FieldError.Invalid(path.Child(field), value, message));
            }
        }
        foreach (var field in new[] { "kind", "listKind" })
        {
            var value = Str(names, field);
            if (value.Length == 0)
            {
                if (field == "kind")
                {
                    errors.Add(FieldError.Required(path.Child(field)));
                }
                continue;
            }
            if (NameRules.DNS1035Label(value.ToLowerInvariant()).Count > 0)
            {
                errors.Add(FieldError.Invalid(path.Child(field), value, "may have mixed case, but should otherwise match: [a-z]([-a-z0-9]*[a-z0-9])?"));
            }
        }
        if (Str(names, "kind") is { Length: > 0 } kind && kind == Str(names, "listKind"))
        {
            errors.Add(FieldError.Invalid(path.Child("listKind"), kind, "kind and listKind may not be the same or parsing errors may occur"));
        }
        foreach (var field in new[] { "shortNames", "categories" })
        {
            if (names[field] is not JsonArray list)
            {
                continue;
            }
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < list.Count; i++)
            {
                var value = list[i]?.ToString() ?? "";
                foreach (var message in NameRules.DNS1035Label(value))
                {
                    errors.Add(FieldError.Invalid(path.Child(field).Index(i), value, message));
                }
                if (!seen.Add(value))
                {
                    errors.Add(FieldError.Duplicate(path.Child(field).Index(i), value));
                }
            }
        }
    }

    private static void ValidateVersions(JsonArray? versions, FieldPath path, List<FieldError> errors)
    {
        if (versions is not { Count: > 0 })
        {
            errors.Add(FieldError.Required(path, "must have at least one version"));
            return;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var storage = 0;
        var served = 0;
        for (var i = 0; i < versions.Count; i++)
        {
            var at = path.Index(i);
            var version = versions[i] as JsonObject ?? [];
            var name = Str(version, "name");
            if (name.Length == 0)
            {
                errors.Add(FieldError.Required(at.Child("name")));
            }
            else
            {
                foreach (var message in NameRules.DNS1035Label(name))
                {
                    errors.Add(FieldError.Invalid(at.Child("name"), name, message));
                }
                if (!seen.Add(name))
                {
                    errors.Add(FieldError.Invalid(path, versions.ToJsonString(), "must contain unique version names"));
                }
            }
            storage += Bool(version, "storage") ? 1 : 0;
            served += Bool(version, "served") ? 1 : 0;
            if ((version["schema"] as JsonObject)?["openAPIV3Schema"] is not JsonObject)
            {
                errors.Add(FieldError.Required(at.Child("schema", "openAPIV3Schema"), "schemas are required"));
            }
            ValidateSubresources(version["subresources"] as JsonObject, at.Child("subresources"), errors);
            ValidatePrinterColumns(version["additionalPrinterColumns"] as JsonArray, at.Child("additionalPrinterColumns"), errors);
        }
        foreach (var (schemaPath, schema) in Schemas(versions))
        {
            CustomResourceSchemaValidation.Validate(schema, schemaPath, errors);
            if (StatusEnabled(versions, schema, schemaPath))
            {
                CustomResourceSchemaValidation.ValidateStatusRoot(schema, schemaPath, errors);
            }
        }
        if (storage != 1)
        {
            errors.Add(FieldError.Invalid(path, new GoValue.GoSyntax(Summary(versions)), "must have exactly one version marked as storage version"));
        }
        if (served == 0)
        {
            errors.Add(FieldError.Invalid(path, new GoValue.GoSyntax(Summary(versions)), "must have at least one served version"));
        }
    }

    /// <summary>
    /// Whether the status subresource restricts this schema's root: the version's own subresources, or for the one
    /// schema every version shares (spec.validation) any version's, as upstream's hasAnyStatusEnabled.
    /// </summary>
    private static bool StatusEnabled(JsonArray versions, JsonObject schema, FieldPath schemaPath)
    {
        var shared = schemaPath.ToString().StartsWith("spec.validation", StringComparison.Ordinal);
        return versions.OfType<JsonObject>().Any(v =>
            (shared || ReferenceEquals((v["schema"] as JsonObject)?["openAPIV3Schema"], schema)) && v["subresources"]?["status"] is JsonObject);
    }

    /// <summary>
    /// Each schema to validate and the path its errors are reported at. As upstream's conversion to its internal
    /// version does, schemas identical in every version are validated once, at spec.validation.openAPIV3Schema.
    /// </summary>
    public static IReadOnlyList<(FieldPath Path, JsonObject Schema)> Schemas(JsonArray versions)
    {
        ArgumentNullException.ThrowIfNull(versions);
        var schemas = versions.Select(v => ((v as JsonObject)?["schema"] as JsonObject)?["openAPIV3Schema"] as JsonObject).ToList();
        if (schemas.Count > 0 && schemas.All(s => s is not null && JsonNode.DeepEquals(s, schemas[0])))
        {
            return [(FieldPath.Root.Child("spec", "validation", "openAPIV3Schema"), schemas[0]!)];
        }
        return [.. schemas.Select((s, i) => (FieldPath.Root.Child("spec", "versions").Index(i).Child("schema", "openAPIV3Schema"), s))
            .Where(p => p.s is not null).Select(p => (p.Item1, p.s!))];
    }

    private static void ValidateSubresources(JsonObject? subresources, FieldPath path, List<FieldError> errors)
    {
        if (subresources?["scale"] is not JsonObject scale)
        {
            return;
        }
        var scalePath = path.Child("scale");
        CheckJsonPath(scale, "specReplicasPath", ".spec", scalePath, required: true, errors);
        CheckJsonPath(scale, "statusReplicasPath", ".status", scalePath, required: true, errors);
        CheckJsonPath(scale, "labelSelectorPath", null, scalePath, required: false, errors);
    }

    private static void CheckJsonPath(JsonObject scale, string field, string? under, FieldPath path, bool required, List<FieldError> errors)
    {
        var value = Str(scale, field);
        if (value.Length == 0)
        {
            if (required)
            {
                errors.Add(FieldError.Required(path.Child(field)));
            }
            return;
        }
        // Upstream splits these paths on "." and nothing else: array notation would name a field
        // called "items[0]", never an element. Refused here rather than read as such.
        if (SimpleJsonPath.Parse(value) is null)
        {
            errors.Add(FieldError.Invalid(path.Child(field), value, "must be a json path in the form of .a.b.c"));
            return;
        }
        if (under is null ? !(value.StartsWith(".spec.", StringComparison.Ordinal) || value.StartsWith(".status.", StringComparison.Ordinal))
            : !value.StartsWith(under + ".", StringComparison.Ordinal))
        {
            var detail = under is null ? "should be a json path under either .spec or .status" : $"should be a json path under {under}";
            errors.Add(FieldError.Invalid(path.Child(field), value, detail));
        }
    }

    private static void ValidatePrinterColumns(JsonArray? columns, FieldPath path, List<FieldError> errors)
    {
        if (columns is null)
        {
            return;
        }
        for (var i = 0; i < columns.Count; i++)
        {
            var column = columns[i] as JsonObject ?? [];
            var at = path.Index(i);
            if (Str(column, "name").Length == 0)
            {
                errors.Add(FieldError.Required(at.Child("name")));
            }
            var type = Str(column, "type");
            if (type.Length == 0)
            {
                errors.Add(FieldError.Required(at.Child("type")));
            }
            else if (!ColumnTypes.Contains(type))
            {
                errors.Add(FieldError.NotSupported(at.Child("type"), type, ColumnTypes));
            }
            if (Str(column, "jsonPath").Length == 0)
            {
                errors.Add(FieldError.Required(at.Child("jsonPath")));
            }
        }
    }

    /// <summary>
    /// spec.conversion as upstream's validateCustomResourceConversion judges it, with its internal field
    /// paths (webhook.clientConfig is reported as webhookClientConfig, webhook.conversionReviewVersions as
    /// conversionReviewVersions). A list of review versions without one this server speaks is refused on
    /// create, and on update unless the old list had none either (upstream's ratchet). A caBundle that is not PEM
    /// certificates is refused only on an update of an Established CRD whose caBundle was empty or usable (upstream's
    /// allowInvalidCABundle): on create it is accepted and the CRD is not Established (InvalidCABundle).
    /// </summary>
    private static void ValidateConversion(JsonObject spec, JsonObject? old, FieldPath path, List<FieldError> errors)
    {
        var oldSpec = old?["spec"] as JsonObject;
        if (spec["conversion"] is not JsonObject conversion)
        {
            return;
        }
        var strategy = Str(conversion, "strategy");
        var webhook = conversion["webhook"] as JsonObject;
        var clientConfig = webhook?["clientConfig"] as JsonObject;
        var reviewVersions = webhook?["conversionReviewVersions"] as JsonArray;
        if (strategy is not ("None" or "Webhook" or ""))
        {
            errors.Add(FieldError.NotSupported(path.Child("strategy"), strategy, ["None", "Webhook"]));
        }
        if (strategy != "Webhook")
        {
            if (clientConfig is not null)
            {
                errors.Add(FieldError.Forbidden(path.Child("webhookClientConfig"), "should not be set when strategy is not set to Webhook"));
            }
            if (reviewVersions is { Count: > 0 })
            {
                errors.Add(FieldError.Forbidden(path.Child("conversionReviewVersions"), "should not be set when strategy is not set to Webhook"));
            }
            return;
        }
        if (Bool(spec, "preserveUnknownFields"))
        {
            errors.Add(FieldError.Invalid(path.Child("strategy"), strategy, "must be None if spec.preserveUnknownFields is true"));
        }
        if (clientConfig is null)
        {
            errors.Add(FieldError.Required(path.Child("webhookClientConfig"), "required when strategy is set to Webhook"));
        }
        else
        {
            ValidateClientConfig(clientConfig, path.Child("webhookClientConfig"), AllowInvalidCaBundle(old), errors);
        }
        var oldVersions = (((oldSpec?["conversion"] as JsonObject)?["webhook"] as JsonObject)?["conversionReviewVersions"] as JsonArray)?.Select(v => v?.ToString() ?? "").ToList();
        var requireRecognized = oldSpec is null || oldVersions is not { Count: > 0 } || oldVersions.Any(CustomResourceConversion.AcceptedReviewVersions.Contains);
        ValidateConversionReviewVersions(reviewVersions, requireRecognized, path.Child("conversionReviewVersions"), errors);
    }

    /// <summary>Upstream's allowInvalidCABundle: on create, before the CRD is Established, or while its caBundle is already unusable.</summary>
    private static bool AllowInvalidCaBundle(JsonObject? old)
    {
        if (old is null || !IsEstablished(old))
        {
            return true;
        }
        var oldBundle = old["spec"]?["conversion"]?["webhook"]?["clientConfig"]?["caBundle"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : "";
        if (oldBundle.Length == 0)
        {
            return false;
        }
        try
        {
            return CaBundleCheck.Problem(Convert.FromBase64String(oldBundle)) is not null;
        }
        catch (FormatException)
        {
            return true;
        }
    }

    private static bool IsEstablished(JsonObject crd) =>
        (crd["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>().Any(c => Str(c, "type") == "Established" && Str(c, "status") == "True");

    /// <summary>The caBundle's problem in client-go's words, or null (none, or usable); what keeps a new CRD from being Established.</summary>
    public static string? ConversionCaBundleProblem(JsonObject crd)
    {
        ArgumentNullException.ThrowIfNull(crd);
        if (crd["spec"]?["conversion"]?["webhook"]?["clientConfig"]?["caBundle"] is not JsonValue value || !value.TryGetValue<string>(out var text) || text.Length == 0)
        {
            return null;
        }
        try
        {
            return CaBundleCheck.Problem(Convert.FromBase64String(text));
        }
        catch (FormatException)
        {
            return "caBundle is not base64";
        }
    }

    private static void ValidateClientConfig(JsonObject clientConfig, FieldPath path, bool allowInvalidCaBundle, List<FieldError> errors)
    {
        WebhookClientConfig? config;
        try
        {
            config = KubeJson.FromNode<WebhookClientConfig>(clientConfig);
        }
        catch (System.Text.Json.JsonException)
        {
            // A caBundle that is not base64 (the request decoder refuses it upstream; here it is a field error).
            errors.Add(FieldError.Invalid(path.Child("caBundle"), clientConfig["caBundle"]?.ToString(), "must be base64-encoded PEM certificates"));
            return;
        }
        errors.AddRange(WebhookClientConfigValidation.Validate(config, path));
        if (!allowInvalidCaBundle && config?.CaBundle is { Length: > 0 } caBundle && CaBundleCheck.Problem(caBundle) is { } problem)
        {
            errors.Add(CaBundleCheck.Invalid(path.Child("caBundle"), caBundle, problem));
        }
    }

    private static void ValidateConversionReviewVersions(JsonArray? versions, bool requireRecognized, FieldPath path, List<FieldError> errors)
    {
        if (versions is not { Count: > 0 })
        {
            errors.Add(FieldError.Required(path));
            return;
        }
        var list = versions.Select(v => v?.ToString() ?? "").ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < list.Count; i++)
        {
            if (!seen.Add(list[i]))
            {
                errors.Add(FieldError.Invalid(path.Index(i), list[i], "duplicate version"));
                continue;
            }
            errors.AddRange(NameRules.DNS1035Label(list[i]).Select(message => FieldError.Invalid(path.Index(i), list[i], message)));
        }
        if (requireRecognized && !list.Any(CustomResourceConversion.AcceptedReviewVersions.Contains))
        {
            errors.Add(FieldError.Invalid(path, list, "must include at least one of " + string.Join(", ", CustomResourceConversion.AcceptedReviewVersions)));
        }
    }

    private static string Summary(JsonArray versions) =>
        "[]apiextensions.CustomResourceDefinitionVersion{" + string.Join(", ", versions.Select(v => v is JsonObject o
            ? $"apiextensions.CustomResourceDefinitionVersion{{Name:{GoValue.Quote(Str(o, "name"))}, Served:{(Bool(o, "served") ? "true" : "false")}, Storage:{(Bool(o, "storage") ? "true" : "false")}}}"
            : "{}")) + "}";

    internal static string Str(JsonObject obj, string name) => obj[name] is JsonValue v && v.TryGetValue(out string? s) ? s : "";

    internal static bool Bool(JsonObject obj, string name) => obj[name] is JsonValue v && v.TryGetValue(out bool b) && b;
}
