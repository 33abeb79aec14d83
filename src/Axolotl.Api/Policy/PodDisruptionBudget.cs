using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.Policy;

/// <summary>policy/v1 PodDisruptionBudget.</summary>
[Description("Limits how many pods of a set may be voluntarily disrupted (for example evicted by a drain) at once.")]
public sealed class PodDisruptionBudget : KubeObject<PodDisruptionBudgetSpec, PodDisruptionBudgetStatus>
{
}

/// <summary>policy/v1 PodDisruptionBudgetSpec.</summary>
public sealed class PodDisruptionBudgetSpec
{
    [Description("Pods that must stay available after an eviction: a number or a percentage. Exclusive with maxUnavailable.")]
    public IntOrString? MinAvailable { get; set; }

    [Description("The pods the budget covers. An empty selector selects every pod in the namespace.")]
    [PatchStrategy("replace")]
    public LabelSelector? Selector { get; set; }

    [Description("Pods that may be unavailable after an eviction: a number or a percentage. Exclusive with minAvailable.")]
    public IntOrString? MaxUnavailable { get; set; }

    [Description("IfHealthyBudget or AlwaysAllow: whether pods that are running but not ready may be evicted regardless of the budget.")]
    public string? UnhealthyPodEvictionPolicy { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>policy/v1 PodDisruptionBudgetStatus.</summary>
public sealed class PodDisruptionBudgetStatus
{
    public long? ObservedGeneration { get; set; }

    [Description("Pods evicted through the API but not yet gone, with the eviction time.")]
    public Dictionary<string, DateTimeOffset>? DisruptedPods { get; set; }

    [Description("How many more pods may be disrupted now.")]
    public int DisruptionsAllowed { get; set; }

    public int CurrentHealthy { get; set; }

    public int DesiredHealthy { get; set; }

    public int ExpectedPods { get; set; }

    [Description("Observed conditions, such as DisruptionAllowed.")]
    [PatchMergeKey("type")]
    [PatchStrategy("merge")]
    public List<Condition>? Conditions { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
