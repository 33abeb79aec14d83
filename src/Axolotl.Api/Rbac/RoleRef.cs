using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Rbac;

/// <summary>rbac.authorization.k8s.io/v1 RoleRef: the Role or ClusterRole a binding grants; immutable.</summary>
public sealed class RoleRef
{
    [Description("The group of the referenced role.")]
    public string? ApiGroup { get; set; }

    [Description("Role or ClusterRole.")]
    public string? Kind { get; set; }

    [Description("Name of the referenced role.")]
    public string? Name { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
