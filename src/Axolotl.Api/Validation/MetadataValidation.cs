using Axolotl.Api.Core;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Validation;

/// <summary>A name rule (upstream ValidateNameFunc): prefix is true when checking a generateName.</summary>
public delegate List<string> NameRule(string name, bool prefix);

/// <summary>
/// Object metadata validation (upstream apimachinery ValidateObjectMeta / ValidateObjectMetaUpdate
/// plus core's finalizer-name rule), labels, annotations and label selectors.
/// </summary>
public static class MetadataValidation
{
    public const int TotalAnnotationSizeLimitBytes = 256 * 1024;
    public const string FieldImmutable = "field is immutable";
    public const string IsNegative = "must be greater than or equal to 0";

    private static readonly HashSet<string> StandardFinalizers = ["kubernetes", "orphan", "foregroundDeletion"];

    public static NameRule DnsSubdomain { get; } = (name, prefix) => NameRules.DNS1123Subdomain(prefix ? NameRules.MaskTrailingDash(name) : name);

    public static NameRule DnsLabel { get; } = (name, prefix) => NameRules.DNS1123Label(prefix ? NameRules.MaskTrailingDash(name) : name);

    public static NameRule Dns1035Label { get; } = (name, prefix) => NameRules.DNS1035Label(prefix ? NameRules.MaskTrailingDash(name) : name);

    public static List<FieldError> ValidateObjectMeta(ObjectMeta meta, bool requiresNamespace, NameRule nameRule, FieldPath path)
    {
        var errors = new List<FieldError>();
        if (!string.IsNullOrEmpty(meta.GenerateName))
        {
            errors.AddRange(nameRule(meta.GenerateName, true).Select(m => FieldError.Invalid(path.Child("generateName"), meta.GenerateName, m)));
        }
        if (string.IsNullOrEmpty(meta.Name))
        {
            errors.Add(FieldError.Required(path.Child("name"), "name or generateName is required"));
        }
        else
        {
            errors.AddRange(nameRule(meta.Name, false).Select(m => FieldError.Invalid(path.Child("name"), meta.Name, m)));
        }

        if (requiresNamespace)
        {
            if (string.IsNullOrEmpty(meta.Namespace))
            {
                errors.Add(FieldError.Required(path.Child("namespace")));
            }
            else
            {
                errors.AddRange(DnsLabel(meta.Namespace, false).Select(m => FieldError.Invalid(path.Child("namespace"), meta.Namespace, m)));
            }
        }
        else if (!string.IsNullOrEmpty(meta.Namespace))
        {
            errors.Add(FieldError.Forbidden(path.Child("namespace"), "not allowed on this type"));
        }

        if (meta.Generation is < 0)
        {
            errors.Add(FieldError.Invalid(path.Child("generation"), meta.Generation.Value, IsNegative));
        }
        errors.AddRange(ValidateLabels(meta.Labels, path.Child("labels")));
        errors.AddRange(ValidateAnnotations(meta.Annotations, path.Child("annotations")));
        errors.AddRange(ValidateOwnerReferences(meta.OwnerReferences, path.Child("ownerReferences")));
        errors.AddRange(ValidateFinalizers(meta.Finalizers, path.Child("finalizers")));
        return errors;
    }

    /// <summary>
    /// Metadata rules on update. The API server owns uid, resourceVersion, creationTimestamp and
    /// generation, so only the rules a client can break are checked here.
    /// </summary>
    public static List<FieldError> ValidateObjectMetaUpdate(ObjectMeta updated, ObjectMeta old, FieldPath path)
    {
        var errors = new List<FieldError>();
        if (old.DeletionTimestamp is not null)
        {
            var added = (updated.Finalizers ?? []).Except(old.Finalizers ?? []).Distinct().Order(StringComparer.Ordinal).ToList();
            if (added.Count > 0)
            {
                errors.Add(FieldError.Forbidden(path.Child("finalizers"),
                    $"no new finalizers can be added if the object is being deleted, found new finalizers {GoValue.StringSlice(added)}"));
            }
        }
        if ((updated.Name ?? "") != (old.Name ?? ""))
        {
            errors.Add(FieldError.Invalid(path.Child("name"), updated.Name ?? "", FieldImmutable));
        }
        if ((updated.Namespace ?? "") != (old.Namespace ?? ""))
        {
            errors.Add(FieldError.Invalid(path.Child("namespace"), updated.Namespace ?? "", FieldImmutable));
        }
        errors.AddRange(ValidateLabels(updated.Labels, path.Child("labels")));
        errors.AddRange(ValidateAnnotations(updated.Annotations, path.Child("annotations")));
        errors.AddRange(ValidateOwnerReferences(updated.OwnerReferences, path.Child("ownerReferences")));
        for (var i = 0; i < (updated.Finalizers?.Count ?? 0); i++)
        {
            errors.AddRange(ValidateKubeFinalizerName(updated.Finalizers![i], path.Child("finalizers").Index(i)));
        }
        return errors;
    }

    public static List<FieldError> ValidateLabels(Dictionary<string, string>? labels, FieldPath path)
    {
        var errors = new List<FieldError>();
        foreach (var (key, value) in (labels ?? []).OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            errors.AddRange(ValidateLabelName(key, path));
            errors.AddRange(NameRules.LabelValue(value).Select(m => FieldError.Invalid(path, value, m)));
        }
        return errors;
    }

    public static List<FieldError> ValidateLabelName(string name, FieldPath path) =>
        NameRules.QualifiedName(name).Select(m => FieldError.Invalid(path, name, m)).ToList();

    public static List<FieldError> ValidateAnnotations(Dictionary<string, string>? annotations, FieldPath path)
    {
        var errors = new List<FieldError>();
        if (annotations is null)
        {
            return errors;
        }
        long totalSize = 0;
        foreach (var (key, value) in annotations.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            errors.AddRange(NameRules.QualifiedName(key.ToLowerInvariant()).Select(m => FieldError.Invalid(path, key, m)));
            totalSize += System.Text.Encoding.UTF8.GetByteCount(key) + System.Text.Encoding.UTF8.GetByteCount(value);
        }
        if (totalSize > TotalAnnotationSizeLimitBytes)
        {
            errors.Add(FieldError.TooLong(path, TotalAnnotationSizeLimitBytes));
        }
        return errors;
    }

    public static List<FieldError> ValidateOwnerReferences(List<OwnerReference>? references, FieldPath path)
    {
        var errors = new List<FieldError>();
        string? firstController = null;
        foreach (var reference in references ?? [])
        {
            var slash = reference.ApiVersion.LastIndexOf('/');
            var version = slash < 0 ? reference.ApiVersion : reference.ApiVersion[(slash + 1)..];
            if (version.Length == 0)
            {
                errors.Add(FieldError.Invalid(path.Child("apiVersion"), reference.ApiVersion, "version must not be empty"));
            }
            if (reference.Kind.Length == 0)
            {
                errors.Add(FieldError.Invalid(path.Child("kind"), reference.Kind, "kind must not be empty"));
            }
            if (reference.Name.Length == 0)
            {
                errors.Add(FieldError.Invalid(path.Child("name"), reference.Name, "name must not be empty"));
            }
            if (reference.Uid.Length == 0)
            {
                errors.Add(FieldError.Invalid(path.Child("uid"), reference.Uid, "uid must not be empty"));
            }
            if (reference.ApiVersion == "v1" && reference.Kind == "Event")
            {
                errors.Add(FieldError.Invalid(path, new GoValue.GoSyntax(OwnerReferenceSyntax(reference)), "/v1, Kind=Event is disallowed from being an owner"));
            }
            if (reference.Controller == true)
            {
                var current = reference.Kind + "/" + reference.Name;
                if (firstController is null)
                {
                    firstController = current;
                }
                else
                {
                    errors.Add(FieldError.Invalid(path, new GoValue.GoSyntax("[]v1.OwnerReference{…}"),
                        $"Only one reference can have Controller set to true. Found \"true\" in references for {firstController} and {current}"));
                }
            }
        }
        return errors;
    }

    public static List<FieldError> ValidateFinalizers(List<string>? finalizers, FieldPath path)
    {
        var errors = new List<FieldError>();
        if (finalizers is null)
        {
            return errors;
        }
        foreach (var finalizer in finalizers)
        {
            errors.AddRange(NameRules.QualifiedName(finalizer).Select(m => FieldError.Invalid(path, finalizer, m)));
        }
        if (finalizers.Contains("orphan") && finalizers.Contains("foregroundDeletion"))
        {
            errors.Add(FieldError.Invalid(path, finalizers, "finalizer orphan and foregroundDeletion cannot be both set"));
        }
        for (var i = 0; i < finalizers.Count; i++)
        {
            errors.AddRange(ValidateKubeFinalizerName(finalizers[i], path.Index(i)));
        }
        return errors;
    }

    /// <summary>Core's rule: a finalizer without a domain must be one of the standard ones.</summary>
    public static List<FieldError> ValidateKubeFinalizerName(string name, FieldPath path) =>
        !name.Contains('/', StringComparison.Ordinal) && !StandardFinalizers.Contains(name)
            ? [FieldError.Invalid(path, name, "name is neither a standard finalizer name nor is it fully qualified")]
            : [];

    public static List<FieldError> ValidateLabelSelector(LabelSelector? selector, FieldPath path)
    {
        var errors = new List<FieldError>();
        if (selector is null)
        {
            return errors;
        }
        errors.AddRange(ValidateLabels(selector.MatchLabels, path.Child("matchLabels")));
        for (var i = 0; i < (selector.MatchExpressions?.Count ?? 0); i++)
        {
            var requirement = selector.MatchExpressions![i];
            var itemPath = path.Child("matchExpressions").Index(i);
            switch (requirement.Operator)
            {
                case "In" or "NotIn":
                    if (requirement.Values is null or { Count: 0 })
                    {
                        errors.Add(FieldError.Required(itemPath.Child("values"), "must be specified when `operator` is 'In' or 'NotIn'"));
                    }
                    break;
                case "Exists" or "DoesNotExist":
                    if (requirement.Values is { Count: > 0 })
                    {
                        errors.Add(FieldError.Forbidden(itemPath.Child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
                    }
                    break;
                default:
                    errors.Add(FieldError.Invalid(itemPath.Child("operator"), requirement.Operator, "not a valid selector operator"));
                    break;
            }
            errors.AddRange(ValidateLabelName(requirement.Key, itemPath.Child("key")));
            for (var v = 0; v < (requirement.Values?.Count ?? 0); v++)
            {
                var value = requirement.Values![v];
                errors.AddRange(NameRules.LabelValue(value).Select(m => FieldError.Invalid(itemPath.Child("values").Index(v), value, m)));
            }
        }
        return errors;
    }

    public static List<FieldError> NonNegative(long? value, FieldPath path) =>
        value is < 0 ? [FieldError.Invalid(path, value.Value, IsNegative)] : [];

    private static string OwnerReferenceSyntax(OwnerReference reference) =>
        $"v1.OwnerReference{{APIVersion:{GoValue.Quote(reference.ApiVersion)}, Kind:{GoValue.Quote(reference.Kind)}, Name:{GoValue.Quote(reference.Name)}, UID:{GoValue.Quote(reference.Uid)}}}";
}
