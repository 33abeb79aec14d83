using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Resources;

namespace Axolotl.Api.Autoscaling;

/// <summary>
/// autoscaling/v2 MetricSpec. Resource and ContainerResource are modelled; Pods, Object and External
/// sources are kept as sent (extension data) and reported as unavailable: no custom or external
/// metrics API is served.
/// </summary>
public sealed class MetricSpec
{
    [Description("Resource, ContainerResource, Pods, Object or External.")]
    public string? Type { get; set; }

    public ResourceMetricSource? Resource { get; set; }

    public ContainerResourceMetricSource? ContainerResource { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>autoscaling/v2 ResourceMetricSource.</summary>
public sealed class ResourceMetricSource
{
    [Description("cpu or memory.")]
    public string? Name { get; set; }

    public MetricTarget? Target { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>autoscaling/v2 ContainerResourceMetricSource.</summary>
public sealed class ContainerResourceMetricSource
{
    public string? Name { get; set; }

    public string? Container { get; set; }

    public MetricTarget? Target { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>autoscaling/v2 MetricTarget.</summary>
public sealed class MetricTarget
{
    [Description("Utilization, Value or AverageValue.")]
    public string? Type { get; set; }

    public Quantity? Value { get; set; }

    public Quantity? AverageValue { get; set; }

    [Description("Percent of the pods' requests.")]
    public int? AverageUtilization { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
