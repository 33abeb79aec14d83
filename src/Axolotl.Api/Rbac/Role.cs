using System.ComponentModel;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Rbac;

/// <summary>rbac.authorization.k8s.io/v1 Role: namespaced policy rules, granted by RoleBindings.</summary>
[Description("A namespaced set of PolicyRules, referenced by RoleBindings.")]
public sealed class Role : KubeObject
{
    [Description("The PolicyRules of this Role.")]
    public List<PolicyRule>? Rules { get; set; }
}
