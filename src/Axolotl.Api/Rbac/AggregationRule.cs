using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Core;

namespace Axolotl.Api.Rbac;

/// <summary>rbac.authorization.k8s.io/v1 AggregationRule: the ClusterRoles whose rules are combined into this one.</summary>
public sealed class AggregationRule
{
    [Description("Selectors over ClusterRole labels; the rules of every ClusterRole any of them selects are aggregated.")]
    public List<LabelSelector>? ClusterRoleSelectors { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
