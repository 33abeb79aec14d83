using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Autoscaling;

/// <summary>autoscaling/v2 HorizontalPodAutoscaler, the stored version.</summary>
[Description("Scales a workload's replicas through its scale subresource to keep the metrics named at their targets.")]
public sealed class HorizontalPodAutoscaler : KubeObject<HorizontalPodAutoscalerSpec, HorizontalPodAutoscalerStatus>
{
}

/// <summary>autoscaling/v2 HorizontalPodAutoscalerSpec.</summary>
public sealed class HorizontalPodAutoscalerSpec
{
    [Description("The workload to scale (a kind with a scale subresource).")]
    public CrossVersionObjectReference? ScaleTargetRef { get; set; }

    [Description("The lower limit of replicas (default 1).")]
    public int? MinReplicas { get; set; }

    [Description("The upper limit of replicas.")]
    public int MaxReplicas { get; set; }

    [Description("The metrics to scale on; the largest replica count any of them asks for wins. Default: CPU at 80% of requests.")]
    public List<MetricSpec>? Metrics { get; set; }

    [Description("How fast to scale up and down: stabilisation windows and rate policies.")]
    public HorizontalPodAutoscalerBehavior? Behavior { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>autoscaling/v2 CrossVersionObjectReference.</summary>
public sealed class CrossVersionObjectReference
{
    public string? Kind { get; set; }

    public string? Name { get; set; }

    public string? ApiVersion { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
