using System.ComponentModel;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Rbac;

/// <summary>rbac.authorization.k8s.io/v1 ClusterRoleBinding: grants a ClusterRole to subjects cluster-wide.</summary>
[Description("Grants the permissions of a ClusterRole to subjects across the cluster.")]
public sealed class ClusterRoleBinding : KubeObject
{
    [Description("The subjects the role is granted to.")]
    public List<Subject>? Subjects { get; set; }

    [Description("The ClusterRole granted; immutable.")]
    public RoleRef? RoleRef { get; set; }
}
