using System.ComponentModel;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Rbac;

/// <summary>rbac.authorization.k8s.io/v1 RoleBinding: grants a Role or ClusterRole to subjects within one namespace.</summary>
[Description("Grants the permissions of a Role or ClusterRole to subjects within the binding's namespace.")]
public sealed class RoleBinding : KubeObject
{
    [Description("The subjects the role is granted to.")]
    public List<Subject>? Subjects { get; set; }

    [Description("The Role or ClusterRole granted; immutable.")]
    public RoleRef? RoleRef { get; set; }
}
