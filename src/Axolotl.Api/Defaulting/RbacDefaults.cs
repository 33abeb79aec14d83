using Axolotl.Api.Rbac;

namespace Axolotl.Api.Defaulting;

/// <summary>rbac/v1 defaults: a binding's roleRef and its User/Group subjects are in rbac.authorization.k8s.io unless they say otherwise.</summary>
public static class RbacDefaults
{
    public static void Apply(RoleRef? roleRef, List<Subject>? subjects)
    {
        if (roleRef is not null && string.IsNullOrEmpty(roleRef.ApiGroup))
        {
            roleRef.ApiGroup = Scheme.KnownResources.RbacGroup;
        }
        foreach (var subject in subjects ?? [])
        {
            if (string.IsNullOrEmpty(subject.ApiGroup) && subject.Kind is Subject.UserKind or Subject.GroupKind)
            {
                subject.ApiGroup = Scheme.KnownResources.RbacGroup;
            }
        }
    }
}
