using System.Text.RegularExpressions;
using Axolotl.Api.AdmissionRegistration;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Validation;

/// <summary>
/// ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding, with upstream's rules and messages
/// (pkg/apis/admissionregistration/validation) for everything that needs no CEL; the API server compiles the
/// expressions. What this server does not do is refused rather than stored and ignored: auditAnnotations and the
/// Audit validation action (there is no audit log).
/// </summary>
public static partial class ValidatingAdmissionPolicyValidation
{
    private static readonly FieldPath Metadata = FieldPath.Of("metadata");
    private static readonly string[] FailurePolicies = ["Fail", "Ignore"];
    private static readonly string[] MatchPolicies = ["Equivalent", "Exact"];
    private static readonly string[] Reasons = ["Forbidden", "Invalid", "RequestEntityTooLarge", "Unauthorized"];
    private static readonly string[] ValidationActions = ["Audit", "Deny", "Warn"];
    private static readonly string[] NotFoundActions = ["Deny", "Allow"];
    private static readonly HashSet<string> CelReserved =
    [
        "true", "false", "null", "in", "as", "break", "const", "continue", "else", "for", "function", "if", "import", "let",
        "loop", "package", "namespace", "return", "var", "void", "while",
    ];

    private const string NoAuditLog = "not supported: this server keeps no audit log";

    public static List<FieldError> ValidatePolicy(ValidatingAdmissionPolicy policy, KubeObject? old)
    {
        var errors = old is null ? [] : MetadataValidation.ValidateObjectMetaUpdate(policy.Metadata, old.Metadata, Metadata);
        errors.AddRange(MetadataValidation.ValidateObjectMeta(policy.Metadata, requiresNamespace: false, MetadataValidation.DnsSubdomain, Metadata));
        var path = FieldPath.Of("spec");
        var spec = policy.Spec ?? new ValidatingAdmissionPolicySpec();
        if (spec.FailurePolicy is not { } failurePolicy)
        {
            errors.Add(FieldError.Required(path.Child("failurePolicy")));
        }
        else if (!FailurePolicies.Contains(failurePolicy))
        {
            errors.Add(FieldError.NotSupported(path.Child("failurePolicy"), failurePolicy, FailurePolicies));
        }
        if (spec.ParamKind is { } paramKind)
        {
            errors.AddRange(ValidateParamKind(paramKind, path.Child("paramKind")));
        }
        if (spec.MatchConstraints is not { } constraints)
        {
            errors.Add(FieldError.Required(path.Child("matchConstraints")));
        }
        else
        {
            errors.AddRange(ValidateMatchResources(constraints, path.Child("matchConstraints")));
            if (constraints.ResourceRules is not { Count: > 0 })
            {
                errors.Add(FieldError.Required(path.Child("matchConstraints", "resourceRules")));
            }
        }
        errors.AddRange(WebhookConfigurationValidation.ValidateMatchConditions(spec.MatchConditions ?? [], path.Child("matchConditions")));
        var variables = spec.Variables ?? [];
        for (var i = 0; i < variables.Count; i++)
        {
            errors.AddRange(ValidateVariable(variables[i], path.Child("variables").Index(i)));
        }
        var validations = spec.Validations ?? [];
        if (validations.Count == 0 && spec.AuditAnnotations is not { Count: > 0 })
        {
            errors.Add(FieldError.Required(path.Child("validations"), "validations or auditAnnotations must contain at least one item"));
            errors.Add(FieldError.Required(path.Child("auditAnnotations"), "validations or auditAnnotations must contain at least one item"));
        }
        for (var i = 0; i < validations.Count; i++)
        {
            errors.AddRange(ValidateValidation(validations[i], path.Child("validations").Index(i)));
        }
        if (spec.AuditAnnotations is { Count: > 0 })
        {
            errors.Add(FieldError.Forbidden(path.Child("auditAnnotations"), NoAuditLog));
        }
        return errors;
    }

    public static List<FieldError> ValidateBinding(ValidatingAdmissionPolicyBinding binding, KubeObject? old)
    {
        var errors = old is null ? [] : MetadataValidation.ValidateObjectMetaUpdate(binding.Metadata, old.Metadata, Metadata);
        errors.AddRange(MetadataValidation.ValidateObjectMeta(binding.Metadata, requiresNamespace: false, MetadataValidation.DnsSubdomain, Metadata));
        var path = FieldPath.Of("spec");
        var spec = binding.Spec ?? new ValidatingAdmissionPolicyBindingSpec();
        if (string.IsNullOrEmpty(spec.PolicyName))
        {
            errors.Add(FieldError.Required(path.Child("policyName")));
        }
        else
        {
            errors.AddRange(NameRules.DNS1123Subdomain(spec.PolicyName).Select(m => FieldError.Invalid(path.Child("policyName"), spec.PolicyName, m)));
        }
        if (spec.ParamRef is { } paramRef)
        {
            errors.AddRange(ValidateParamRef(paramRef, path.Child("paramRef")));
        }
        if (spec.MatchResources is { } matchResources)
        {
            errors.AddRange(ValidateMatchResources(matchResources, path.Child("matchResources")));
        }
        errors.AddRange(ValidateValidationActions(spec.ValidationActions ?? [], path.Child("validationActions")));
        return errors;
    }

    private static List<FieldError> ValidateParamKind(ParamKind kind, FieldPath path)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrEmpty(kind.ApiVersion))
        {
            errors.Add(FieldError.Required(path.Child("apiVersion")));
        }
        else if (kind.ApiVersion.Count(c => c == '/') > 1)
        {
            errors.Add(FieldError.Invalid(path.Child("apiVersion"), kind.ApiVersion, $"unexpected GroupVersion string: {kind.ApiVersion}"));
        }
        else
        {
            var (group, version) = Scheme.KnownResources.ParseApiVersion(kind.ApiVersion);
            if (group.Length > 0 && NameRules.DNS1123Subdomain(group) is { Count: > 0 } groupErrors)
            {
                errors.Add(FieldError.Invalid(path.Child("apiVersion"), group, string.Join(",", groupErrors)));
            }
            if (version.Length == 0)
            {
                errors.Add(FieldError.Invalid(path.Child("apiVersion"), kind.ApiVersion, "version must be specified"));
            }
            else if (NameRules.DNS1035Label(version) is { Count: > 0 } versionErrors)
            {
                errors.Add(FieldError.Invalid(path.Child("apiVersion"), version, string.Join(",", versionErrors)));
            }
        }
        if (string.IsNullOrEmpty(kind.Kind))
        {
            errors.Add(FieldError.Required(path.Child("kind")));
        }
        else if (NameRules.DNS1035Label(kind.Kind.ToLowerInvariant()) is { Count: > 0 } kindErrors)
        {
            errors.Add(FieldError.Invalid(path.Child("kind"), kind.Kind, "may have mixed case, but should otherwise match: " + string.Join(",", kindErrors)));
        }
        return errors;
    }

    private static List<FieldError> ValidateMatchResources(MatchResources match, FieldPath path)
    {
        var errors = new List<FieldError>();
        if (match.MatchPolicy is not { } matchPolicy)
        {
            errors.Add(FieldError.Required(path.Child("matchPolicy")));
        }
        else if (!MatchPolicies.Contains(matchPolicy))
        {
            errors.Add(FieldError.NotSupported(path.Child("matchPolicy"), matchPolicy, MatchPolicies));
        }
        if (match.NamespaceSelector is not { } namespaceSelector)
        {
            errors.Add(FieldError.Required(path.Child("namespaceSelector")));
        }
        else
        {
            errors.AddRange(MetadataValidation.ValidateLabelSelector(namespaceSelector, path.Child("namespaceSelector")));
        }
        if (match.ObjectSelector is not { } objectSelector)
        {
            errors.Add(FieldError.Required(path.Child("objectSelector")));
        }
        else
        {
            errors.AddRange(MetadataValidation.ValidateLabelSelector(objectSelector, path.Child("objectSelector")));
        }
        errors.AddRange(ValidateRules(match.ResourceRules, path.Child("resourceRules")));
        errors.AddRange(ValidateRules(match.ExcludeResourceRules, path.Child("excludeResourceRules")));
        return errors;
    }

    private static List<FieldError> ValidateRules(List<NamedRuleWithOperations>? rules, FieldPath path)
    {
        var errors = new List<FieldError>();
        for (var i = 0; i < (rules?.Count ?? 0); i++)
        {
            var rule = rules![i];
            var names = new HashSet<string>(StringComparer.Ordinal);
            var resourceNames = rule.ResourceNames ?? [];
            for (var j = 0; j < resourceNames.Count; j++)
            {
                var namePath = path.Index(i).Child("resourceNames").Index(j);
                errors.AddRange(RbacValidation.PathSegmentName(resourceNames[j]).Select(m => FieldError.Invalid(namePath, resourceNames[j], m)));
                if (!names.Add(resourceNames[j]))
                {
                    errors.Add(FieldError.Duplicate(namePath, resourceNames[j]));
                }
            }
            errors.AddRange(WebhookRuleValidation.Validate(rule, path.Index(i)));
        }
        return errors;
    }

    private static List<FieldError> ValidateVariable(Variable variable, FieldPath path)
    {
        var errors = new List<FieldError>();
        if (variable.Name.Trim().Length == 0)
        {
            errors.Add(FieldError.Required(path.Child("name"), "name is not specified"));
        }
        else if (!CelIdentifier().IsMatch(variable.Name) || CelReserved.Contains(variable.Name))
        {
            errors.Add(FieldError.Invalid(path.Child("name"), variable.Name, "name is not a valid CEL identifier"));
        }
        if (variable.Expression.Trim().Length == 0)
        {
            errors.Add(FieldError.Required(path.Child("expression"), "expression is not specified"));
        }
        return errors;
    }

    private static List<FieldError> ValidateValidation(AdmissionRegistration.Validation validation, FieldPath path)
    {
        var errors = new List<FieldError>();
        if (validation.Expression.Trim().Length == 0)
        {
            errors.Add(FieldError.Required(path.Child("expression"), "expression is not specified"));
        }
        if (validation.MessageExpression is { Length: > 0 } messageExpression && messageExpression.Trim().Length == 0)
        {
            errors.Add(FieldError.Invalid(path.Child("messageExpression"), messageExpression, "must be non-empty if specified"));
        }
        if (validation.Message is { Length: > 0 } message)
        {
            var trimmed = message.Trim();
            if (trimmed.Length == 0)
            {
                errors.Add(FieldError.Invalid(path.Child("message"), message, "message must be non-empty if specified"));
            }
            else if (trimmed.AsSpan().IndexOfAny('\n', '\r') >= 0)
            {
                errors.Add(FieldError.Invalid(path.Child("message"), message, "message must not contain line breaks"));
            }
        }
        if (validation.Reason is { } reason && !Reasons.Contains(reason))
        {
            errors.Add(FieldError.NotSupported(path.Child("reason"), reason, Reasons));
        }
        return errors;
    }

    private static List<FieldError> ValidateParamRef(ParamRef paramRef, FieldPath path)
    {
        var errors = new List<FieldError>();
        if (paramRef.Name is { Length: > 0 } name)
        {
            errors.AddRange(RbacValidation.PathSegmentName(name).Select(m => FieldError.Invalid(path.Child("name"), name, m)));
            if (paramRef.Selector is not null)
            {
                errors.Add(FieldError.Forbidden(path.Child("name"), "name and selector are mutually exclusive"));
            }
        }
        if (paramRef.Selector is { } selector)
        {
            errors.AddRange(MetadataValidation.ValidateLabelSelector(selector, path.Child("selector")));
            if (paramRef.Name is { Length: > 0 })
            {
                errors.Add(FieldError.Forbidden(path.Child("selector"), "name and selector are mutually exclusive"));
            }
        }
        if (string.IsNullOrEmpty(paramRef.Name) && paramRef.Selector is null)
        {
            errors.Add(FieldError.Required(path, "one of name or selector must be specified"));
        }
        if (string.IsNullOrEmpty(paramRef.ParameterNotFoundAction))
        {
            errors.Add(FieldError.Required(path.Child("parameterNotFoundAction")));
        }
        else if (!NotFoundActions.Contains(paramRef.ParameterNotFoundAction))
        {
            errors.Add(FieldError.NotSupported(path.Child("parameterNotFoundAction"), paramRef.ParameterNotFoundAction, NotFoundActions));
        }
        return errors;
    }

    private static List<FieldError> ValidateValidationActions(List<string> actions, FieldPath path)
    {
        var errors = new List<FieldError>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < actions.Count; i++)
        {
            if (!ValidationActions.Contains(actions[i]))
            {
                errors.Add(FieldError.NotSupported(path.Index(i), actions[i], ValidationActions));
            }
            else if (actions[i] == "Audit")
            {
                errors.Add(FieldError.Forbidden(path.Index(i), NoAuditLog));
            }
            if (!seen.Add(actions[i]))
            {
                errors.Add(FieldError.Duplicate(path.Index(i), actions[i]));
            }
        }
        if (seen.Contains("Deny") && seen.Contains("Warn"))
        {
            errors.Add(FieldError.Invalid(path, actions,
                "must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)"));
        }
        if (seen.Count == 0)
        {
            errors.Add(FieldError.Required(path, "at least one validation action is required"));
        }
        return errors;
    }

    [GeneratedRegex("^[_a-zA-Z][_a-zA-Z0-9]*\\z")]
    private static partial Regex CelIdentifier();
}
