using Axolotl.Api.Meta;
using Axolotl.Api.Rbac;
using Axolotl.Api.Scheme;

namespace Axolotl.Api.Validation;

/// <summary>rbac.authorization.k8s.io/v1 Roles, ClusterRoles and their bindings, with upstream's rules and messages.</summary>
public static class RbacValidation
{
    private static readonly FieldPath Metadata = FieldPath.Of("metadata");

    /// <summary>Upstream's ValidateRBACName: any path segment (no '/', no '%', not '.' or '..').</summary>
    public static NameRule RbacName { get; } = (name, _) => PathSegmentName(name);

    public static List<string> PathSegmentName(string name)
    {
        if (name is "." or "..")
        {
            return [$"may not be '{name}'"];
        }
        var errors = new List<string>();
        foreach (var illegal in new[] { "/", "%" })
        {
            if (name.Contains(illegal, StringComparison.Ordinal))
            {
                errors.Add($"may not contain '{illegal}'");
            }
        }
        return errors;
    }

    public static List<FieldError> ValidateRole(Role role, Role? old)
    {
        var errors = Meta(role.Metadata, old?.Metadata, namespaced: true);
        errors.AddRange(Rules(role.Rules, namespaced: true));
        return errors;
    }

    public static List<FieldError> ValidateClusterRole(ClusterRole role, ClusterRole? old)
    {
        var errors = Meta(role.Metadata, old?.Metadata, namespaced: false);
        errors.AddRange(Rules(role.Rules, namespaced: false));
        if (role.AggregationRule is { } aggregation)
        {
            var path = FieldPath.Of("aggregationRule", "clusterRoleSelectors");
            if (aggregation.ClusterRoleSelectors is not { Count: > 0 })
            {
                errors.Add(FieldError.Required(path, "at least one clusterRoleSelector required if aggregationRule is non-nil"));
            }
            for (var i = 0; i < (aggregation.ClusterRoleSelectors?.Count ?? 0); i++)
            {
                errors.AddRange(MetadataValidation.ValidateLabelSelector(aggregation.ClusterRoleSelectors![i], path.Index(i)));
            }
        }
        return errors;
    }

    public static List<FieldError> ValidateRoleBinding(RoleBinding binding, RoleBinding? old)
    {
        var errors = Meta(binding.Metadata, old?.Metadata, namespaced: true);
        errors.AddRange(Binding(binding.RoleRef, old?.RoleRef, old is not null, binding.Subjects, namespaced: true));
        return errors;
    }

    public static List<FieldError> ValidateClusterRoleBinding(ClusterRoleBinding binding, ClusterRoleBinding? old)
    {
        var errors = Meta(binding.Metadata, old?.Metadata, namespaced: false);
        errors.AddRange(Binding(binding.RoleRef, old?.RoleRef, old is not null, binding.Subjects, namespaced: false));
        return errors;
    }

    public static List<FieldError> ValidatePolicyRule(PolicyRule rule, bool namespaced, FieldPath path)
    {
        var errors = new List<FieldError>();
        if (rule.Verbs is not { Count: > 0 })
        {
            errors.Add(FieldError.Required(path.Child("verbs"), "verbs must contain at least one value"));
        }
        if (rule.NonResourceUrls is { Count: > 0 } urls)
        {
            var urlsValue = new GoValue.GoSyntax(GoValue.StringSlice(urls));
            if (namespaced)
            {
                errors.Add(FieldError.Invalid(path.Child("nonResourceURLs"), urlsValue, "namespaced rules cannot apply to non-resource URLs"));
            }
            if (rule.ApiGroups is { Count: > 0 } || rule.Resources is { Count: > 0 } || rule.ResourceNames is { Count: > 0 })
            {
                errors.Add(FieldError.Invalid(path.Child("nonResourceURLs"), urlsValue, "rules cannot apply to both regular resources and non-resource URLs"));
            }
            return errors;
        }
        if (rule.ApiGroups is not { Count: > 0 })
        {
            errors.Add(FieldError.Required(path.Child("apiGroups"), "resource rules must supply at least one api group"));
        }
        if (rule.Resources is not { Count: > 0 })
        {
            errors.Add(FieldError.Required(path.Child("resources"), "resource rules must supply at least one resource"));
        }
        return errors;
    }

    private static List<FieldError> Meta(Meta.ObjectMeta meta, Meta.ObjectMeta? old, bool namespaced)
    {
        var errors = MetadataValidation.ValidateObjectMeta(meta, namespaced, RbacName, Metadata);
        if (old is not null)
        {
            errors.AddRange(MetadataValidation.ValidateObjectMetaUpdate(meta, old, Metadata));
        }
        return errors;
    }

    private static List<FieldError> Rules(List<PolicyRule>? rules, bool namespaced)
    {
        var errors = new List<FieldError>();
        for (var i = 0; i < (rules?.Count ?? 0); i++)
        {
            errors.AddRange(ValidatePolicyRule(rules![i], namespaced, FieldPath.Of("rules").Index(i)));
        }
        return errors;
    }

    private static List<FieldError> Binding(RoleRef? roleRef, RoleRef? oldRef, bool update, List<Subject>? subjects, bool namespaced)
    {
        var errors = new List<FieldError>();
        var refPath = FieldPath.Of("roleRef");
        var r = roleRef ?? new RoleRef();
        if (update && oldRef is not null && !SameRef(r, oldRef))
        {
            errors.Add(FieldError.Invalid(refPath, new GoValue.GoSyntax(GoRoleRef(r)), "cannot change roleRef"));
        }
        if (r.ApiGroup != KnownResources.RbacGroup)
        {
            errors.Add(FieldError.NotSupported(refPath.Child("apiGroup"), r.ApiGroup ?? "", [KnownResources.RbacGroup]));
        }
        IReadOnlyList<string> kinds = namespaced ? ["Role", "ClusterRole"] : ["ClusterRole"];
        if (!kinds.Contains(r.Kind ?? ""))
        {
            errors.Add(FieldError.NotSupported(refPath.Child("kind"), r.Kind ?? "", kinds));
        }
        if (string.IsNullOrEmpty(r.Name))
        {
            errors.Add(FieldError.Required(refPath.Child("name")));
        }
        else
        {
            errors.AddRange(PathSegmentName(r.Name).Select(m => FieldError.Invalid(refPath.Child("name"), r.Name, m)));
        }
        for (var i = 0; i < (subjects?.Count ?? 0); i++)
        {
            errors.AddRange(ValidateSubject(subjects![i], namespaced, FieldPath.Of("subjects").Index(i)));
        }
        return errors;
    }

    public static List<FieldError> ValidateSubject(Subject subject, bool namespaced, FieldPath path)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrEmpty(subject.Name))
        {
            errors.Add(FieldError.Required(path.Child("name")));
        }
        switch (subject.Kind)
        {
            case Subject.ServiceAccountKind:
                if (!string.IsNullOrEmpty(subject.Name))
                {
                    errors.AddRange(NameRules.DNS1123Subdomain(subject.Name).Select(m => FieldError.Invalid(path.Child("name"), subject.Name, m)));
                }
                if (!string.IsNullOrEmpty(subject.ApiGroup))
                {
                    errors.Add(FieldError.NotSupported(path.Child("apiGroup"), subject.ApiGroup, [""]));
                }
                if (!namespaced && string.IsNullOrEmpty(subject.Namespace))
                {
                    errors.Add(FieldError.Required(path.Child("namespace")));
                }
                break;
            case Subject.UserKind or Subject.GroupKind:
                if (subject.ApiGroup != KnownResources.RbacGroup)
                {
                    errors.Add(FieldError.NotSupported(path.Child("apiGroup"), subject.ApiGroup ?? "", [KnownResources.RbacGroup]));
                }
                break;
            default:
                errors.Add(FieldError.NotSupported(path.Child("kind"), subject.Kind ?? "", [Subject.ServiceAccountKind, Subject.UserKind, Subject.GroupKind]));
                break;
        }
        return errors;
    }

    private static bool SameRef(RoleRef a, RoleRef b) => a.ApiGroup == b.ApiGroup && a.Kind == b.Kind && a.Name == b.Name;

    private static string GoRoleRef(RoleRef r) => $"rbac.RoleRef{{APIGroup:\"{r.ApiGroup}\", Kind:\"{r.Kind}\", Name:\"{r.Name}\"}}";
}
