using System.ComponentModel;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Rbac;

/// <summary>rbac.authorization.k8s.io/v1 ClusterRole: cluster-wide policy rules, optionally aggregated from other ClusterRoles.</summary>
[Description("A cluster-level set of PolicyRules, referenced by RoleBindings and ClusterRoleBindings.")]
public sealed class ClusterRole : KubeObject
{
    [Description("The PolicyRules of this ClusterRole; controller-managed when aggregationRule is set.")]
    public List<PolicyRule>? Rules { get; set; }

    [Description("How to build the rules of this ClusterRole from other ClusterRoles.")]
    public AggregationRule? AggregationRule { get; set; }
}
