using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Autoscaling;

/// <summary>autoscaling/v2 HorizontalPodAutoscalerBehavior.</summary>
public sealed class HorizontalPodAutoscalerBehavior
{
    public HPAScalingRules? ScaleUp { get; set; }

    public HPAScalingRules? ScaleDown { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>autoscaling/v2 HPAScalingRules.</summary>
public sealed class HPAScalingRules
{
    [Description("Seconds of past recommendations considered (0 to 3600).")]
    public int? StabilizationWindowSeconds { get; set; }

    [Description("Max, Min or Disabled.")]
    public string? SelectPolicy { get; set; }

    public List<HPAScalingPolicy>? Policies { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>autoscaling/v2 HPAScalingPolicy.</summary>
public sealed class HPAScalingPolicy
{
    [Description("Pods or Percent.")]
    public string? Type { get; set; }

    public int Value { get; set; }

    public int PeriodSeconds { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
