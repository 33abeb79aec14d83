using Axolotl.Api.AdmissionRegistration;

namespace Axolotl.Api.Validation;

/// <summary>A webhook's rules (upstream's validateRuleWithOperations and validateResources), with its wildcard rules and messages.</summary>
public static class WebhookRuleValidation
{
    private static readonly string[] Operations = ["*", "CONNECT", "CREATE", "DELETE", "UPDATE"];
    private static readonly string[] Scopes = ["*", "Cluster", "Namespaced"];

    public static List<FieldError> Validate(RuleWithOperations rule, FieldPath path)
    {
        var errors = new List<FieldError>();
        var operations = rule.Operations ?? [];
        if (operations.Count == 0)
        {
            errors.Add(FieldError.Required(path.Child("operations")));
        }
        if (operations.Count > 1 && operations.Contains("*"))
        {
            errors.Add(FieldError.Invalid(path.Child("operations"), operations, "if '*' is present, must not specify other operations"));
        }
        for (var i = 0; i < operations.Count; i++)
        {
            if (!Operations.Contains(operations[i]))
            {
                errors.Add(FieldError.NotSupported(path.Child("operations").Index(i), operations[i], Operations));
            }
        }
        errors.AddRange(ValidateList(rule.ApiGroups, path.Child("apiGroups"), "API groups", emptyItemsAllowed: true));
        errors.AddRange(ValidateList(rule.ApiVersions, path.Child("apiVersions"), "API versions", emptyItemsAllowed: false));
        errors.AddRange(ValidateResources(rule.Resources ?? [], path.Child("resources")));
        if (rule.Scope is { } scope && !Scopes.Contains(scope))
        {
            errors.Add(FieldError.NotSupported(path.Child("scope"), scope, Scopes));
        }
        return errors;
    }

    private static List<FieldError> ValidateList(List<string>? values, FieldPath path, string what, bool emptyItemsAllowed)
    {
        var errors = new List<FieldError>();
        values ??= [];
        if (values.Count == 0)
        {
            errors.Add(FieldError.Required(path));
        }
        if (values.Count > 1 && values.Contains("*"))
        {
            errors.Add(FieldError.Invalid(path, values, $"if '*' is present, must not specify other {what}"));
        }
        for (var i = 0; !emptyItemsAllowed && i < values.Count; i++)
        {
            if (values[i].Length == 0)
            {
                errors.Add(FieldError.Required(path.Index(i)));
            }
        }
        return errors;
    }

    private static List<FieldError> ValidateResources(List<string> resources, FieldPath path)
    {
        var errors = new List<FieldError>();
        if (resources.Count == 0)
        {
            errors.Add(FieldError.Required(path));
        }
        var withWildcardSubresource = new HashSet<string>(StringComparer.Ordinal); // x/*
        var subresourcesOfWildcard = new HashSet<string>(StringComparer.Ordinal); // */x
        var doubleWildcard = false;
        var singleWildcard = false;
        var withoutSubresource = false;
        for (var i = 0; i < resources.Count; i++)
        {
            var item = resources[i];
            if (item.Length == 0)
            {
                errors.Add(FieldError.Required(path.Index(i)));
                continue;
            }
            doubleWildcard |= item == "*/*";
            singleWildcard |= item == "*";
            var slash = item.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0)
            {
                withoutSubresource = item != "*";
                continue;
            }
            var (resource, subresource) = (item[..slash], item[(slash + 1)..]);
            if (withWildcardSubresource.Contains(resource))
            {
                errors.Add(FieldError.Invalid(path.Index(i), item, $"if '{resource}/*' is present, must not specify {item}"));
            }
            if (subresourcesOfWildcard.Contains(subresource))
            {
                errors.Add(FieldError.Invalid(path.Index(i), item, $"if '*/{subresource}' is present, must not specify {item}"));
            }
            if (subresource == "*")
            {
                withWildcardSubresource.Add(resource);
            }
            if (resource == "*")
            {
                subresourcesOfWildcard.Add(subresource);
            }
        }
        if (resources.Count > 1 && doubleWildcard)
        {
            errors.Add(FieldError.Invalid(path, resources, "if '*/*' is present, must not specify other resources"));
        }
        if (singleWildcard && withoutSubresource)
        {
            errors.Add(FieldError.Invalid(path, resources, "if '*' is present, must not specify other resources without subresources"));
        }
        return errors;
    }
}
