using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Resources;

namespace Axolotl.Api.Autoscaling;

/// <summary>autoscaling/v2 HorizontalPodAutoscalerStatus.</summary>
public sealed class HorizontalPodAutoscalerStatus
{
    public long? ObservedGeneration { get; set; }

    public DateTimeOffset? LastScaleTime { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public int CurrentReplicas { get; set; }

    public int DesiredReplicas { get; set; }

    public List<MetricStatus>? CurrentMetrics { get; set; }

    public List<HorizontalPodAutoscalerCondition>? Conditions { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>autoscaling/v2 MetricStatus (Resource and ContainerResource modelled).</summary>
public sealed class MetricStatus
{
    public string? Type { get; set; }

    public ResourceMetricStatus? Resource { get; set; }

    public ContainerResourceMetricStatus? ContainerResource { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>autoscaling/v2 ResourceMetricStatus.</summary>
public sealed class ResourceMetricStatus
{
    public string? Name { get; set; }

    public MetricValueStatus? Current { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>autoscaling/v2 ContainerResourceMetricStatus.</summary>
public sealed class ContainerResourceMetricStatus
{
    public string? Name { get; set; }

    public string? Container { get; set; }

    public MetricValueStatus? Current { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>autoscaling/v2 MetricValueStatus.</summary>
public sealed class MetricValueStatus
{
    public Quantity? Value { get; set; }

    public Quantity? AverageValue { get; set; }

    public int? AverageUtilization { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>autoscaling/v2 HorizontalPodAutoscalerCondition.</summary>
public sealed class HorizontalPodAutoscalerCondition
{
    public string? Type { get; set; }

    public string? Status { get; set; }

    public DateTimeOffset? LastTransitionTime { get; set; }

    public string? Reason { get; set; }

    public string? Message { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
