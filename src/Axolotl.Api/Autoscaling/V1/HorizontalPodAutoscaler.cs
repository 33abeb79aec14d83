using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Autoscaling.V1;

/// <summary>autoscaling/v1 HorizontalPodAutoscaler: a view of the stored v2 object (CPU target only; the rest travels in annotations).</summary>
[Description("Scales a workload's replicas to keep its pods' average CPU at a percentage of their requests.")]
public sealed class HorizontalPodAutoscaler : KubeObject<HorizontalPodAutoscalerSpec, HorizontalPodAutoscalerStatus>
{
}

/// <summary>autoscaling/v1 HorizontalPodAutoscalerSpec.</summary>
public sealed class HorizontalPodAutoscalerSpec
{
    public CrossVersionObjectReference? ScaleTargetRef { get; set; }

    public int? MinReplicas { get; set; }

    public int MaxReplicas { get; set; }

    [Description("The target average CPU utilisation, as a percentage of the pods' requests.")]
    public int? TargetCPUUtilizationPercentage { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>autoscaling/v1 HorizontalPodAutoscalerStatus.</summary>
public sealed class HorizontalPodAutoscalerStatus
{
    public long? ObservedGeneration { get; set; }

    public DateTimeOffset? LastScaleTime { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public int CurrentReplicas { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public int DesiredReplicas { get; set; }

    public int? CurrentCPUUtilizationPercentage { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
