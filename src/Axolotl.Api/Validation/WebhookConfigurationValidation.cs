using Axolotl.Api.AdmissionRegistration;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Validation;

/// <summary>
/// Mutating- and ValidatingWebhookConfiguration, with upstream's rules and messages
/// (pkg/apis/admissionregistration/validation) as the v1 API applies them: sideEffects must be None or
/// NoneOnDryRun, at least one AdmissionReview version this server speaks. matchConditions get their
/// structural checks here; their expressions are compiled by the API server (this layer has no CEL).
/// </summary>
public static class WebhookConfigurationValidation
{
    private static readonly FieldPath Metadata = FieldPath.Of("metadata");
    private static readonly string[] FailurePolicies = ["Fail", "Ignore"];
    private static readonly string[] MatchPolicies = ["Equivalent", "Exact"];
    private static readonly string[] NoSideEffects = ["None", "NoneOnDryRun"];
    private static readonly string[] ReinvocationPolicies = ["IfNeeded", "Never"];

    /// <summary>Upstream's limit of matchConditions per webhook.</summary>
    public const int MaxMatchConditions = 64;

    /// <summary>The AdmissionReview versions this server sends, preferred first (upstream's AcceptedAdmissionReviewVersions).</summary>
    public static IReadOnlyList<string> AcceptedAdmissionReviewVersions { get; } = ["v1", "v1beta1"];

    public static List<FieldError> Validate(KubeObject configuration, IEnumerable<Webhook>? webhooks, KubeObject? old)
    {
        var errors = old is null ? [] : MetadataValidation.ValidateObjectMetaUpdate(configuration.Metadata, old.Metadata, Metadata);
        errors.AddRange(MetadataValidation.ValidateObjectMeta(configuration.Metadata, requiresNamespace: false, MetadataValidation.DnsSubdomain, Metadata));
        var names = new HashSet<string>(StringComparer.Ordinal);
        var i = 0;
        foreach (var hook in webhooks ?? [])
        {
            var path = FieldPath.Of("webhooks").Index(i++);
            errors.AddRange(ValidateWebhook(hook, path));
            errors.AddRange(ValidateAdmissionReviewVersions(hook.AdmissionReviewVersions, path.Child("admissionReviewVersions")));
            if (hook.Name.Length > 0 && !names.Add(hook.Name))
            {
                errors.Add(FieldError.Duplicate(path.Child("name"), hook.Name));
            }
        }
        return errors;
    }

    private static List<FieldError> ValidateWebhook(Webhook hook, FieldPath path)
    {
        var errors = ValidateFullyQualifiedName(hook.Name, path.Child("name"));
        var r = 0;
        foreach (var rule in hook.Rules ?? [])
        {
            errors.AddRange(WebhookRuleValidation.Validate(rule, path.Child("rules").Index(r++)));
        }
        if (hook.FailurePolicy is { } failurePolicy && !FailurePolicies.Contains(failurePolicy))
        {
            errors.Add(FieldError.NotSupported(path.Child("failurePolicy"), failurePolicy, FailurePolicies));
        }
        if (hook.MatchPolicy is { } matchPolicy && !MatchPolicies.Contains(matchPolicy))
        {
            errors.Add(FieldError.NotSupported(path.Child("matchPolicy"), matchPolicy, MatchPolicies));
        }
        if (hook.SideEffects is not { } sideEffects)
        {
            errors.Add(FieldError.Required(path.Child("sideEffects"), "must specify one of " + string.Join(", ", NoSideEffects)));
        }
        else if (!NoSideEffects.Contains(sideEffects))
        {
            errors.Add(FieldError.NotSupported(path.Child("sideEffects"), sideEffects, NoSideEffects));
        }
        if (hook.TimeoutSeconds is { } timeout && timeout is < 1 or > 30)
        {
            errors.Add(FieldError.Invalid(path.Child("timeoutSeconds"), timeout, "the timeout value must be between 1 and 30 seconds"));
        }
        if (hook.NamespaceSelector is { } namespaceSelector)
        {
            errors.AddRange(MetadataValidation.ValidateLabelSelector(namespaceSelector, path.Child("namespaceSelector")));
        }
        if (hook.ObjectSelector is { } objectSelector)
        {
            errors.AddRange(MetadataValidation.ValidateLabelSelector(objectSelector, path.Child("objectSelector")));
        }
        if (hook is MutatingWebhook { ReinvocationPolicy: { } reinvocation } && !ReinvocationPolicies.Contains(reinvocation))
        {
            errors.Add(FieldError.NotSupported(path.Child("reinvocationPolicy"), reinvocation, ReinvocationPolicies));
        }
        errors.AddRange(ValidateMatchConditions(hook.MatchConditions ?? [], path.Child("matchConditions")));
        errors.AddRange(WebhookClientConfigValidation.Validate(hook.ClientConfig, path.Child("clientConfig")));
        return errors;
    }

    /// <summary>At most <see cref="MaxMatchConditions"/>, each named (a qualified name, unique) and with an expression.</summary>
    public static List<FieldError> ValidateMatchConditions(List<MatchCondition> conditions, FieldPath path)
    {
        var errors = new List<FieldError>();
        if (conditions.Count > MaxMatchConditions)
        {
            errors.Add(FieldError.TooMany(path, conditions.Count, MaxMatchConditions));
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < conditions.Count; i++)
        {
            var condition = conditions[i];
            if (condition.Expression.Trim().Length == 0)
            {
                errors.Add(FieldError.Required(path.Index(i).Child("expression")));
            }
            if (condition.Name.Length == 0)
            {
                errors.Add(FieldError.Required(path.Index(i).Child("name")));
                continue;
            }
            errors.AddRange(NameRules.QualifiedName(condition.Name).Select(m => FieldError.Invalid(path.Index(i).Child("name"), condition.Name, m)));
            if (!names.Add(condition.Name))
            {
                errors.Add(FieldError.Duplicate(path.Index(i).Child("name"), condition.Name));
            }
        }
        return errors;
    }

    /// <summary>Upstream's IsFullyQualifiedName: a DNS subdomain of at least three segments.</summary>
    private static List<FieldError> ValidateFullyQualifiedName(string name, FieldPath path)
    {
        if (name.Length == 0)
        {
            return [FieldError.Required(path)];
        }
        var errors = NameRules.DNS1123Subdomain(name).Select(message => FieldError.Invalid(path, name, message)).ToList();
        if (errors.Count == 0 && name.Split('.').Length < 3)
        {
            errors.Add(FieldError.Invalid(path, name, "should be a domain with at least three segments separated by dots"));
        }
        return errors;
    }

    private static List<FieldError> ValidateAdmissionReviewVersions(List<string>? versions, FieldPath path)
    {
        if (versions is not { Count: > 0 })
        {
            return [FieldError.Required(path, "must specify one of " + string.Join(", ", AcceptedAdmissionReviewVersions))];
        }
        var errors = new List<FieldError>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < versions.Count; i++)
        {
            if (!seen.Add(versions[i]))
            {
                errors.Add(FieldError.Invalid(path.Index(i), versions[i], "duplicate version"));
                continue;
            }
            errors.AddRange(NameRules.DNS1035Label(versions[i]).Select(message => FieldError.Invalid(path.Index(i), versions[i], message)));
        }
        if (!versions.Any(AcceptedAdmissionReviewVersions.Contains))
        {
            errors.Add(FieldError.Invalid(path, versions, "must include at least one of " + string.Join(", ", AcceptedAdmissionReviewVersions)));
        }
        return errors;
    }
}
