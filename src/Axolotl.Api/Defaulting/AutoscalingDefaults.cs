using Axolotl.Api.Autoscaling;

namespace Axolotl.Api.Defaulting;

/// <summary>
/// autoscaling/v2 defaults (upstream's SetDefaults_HorizontalPodAutoscaler): minReplicas 1, CPU at
/// 80 % of requests when no metric is named, and the behavior every HPA has unless told otherwise:
/// scale up without stabilisation by at most 100 % or 4 pods per 15 s (the larger), scale down
/// after a 300 s window by at most 100 % per 15 s.
/// </summary>
public static class AutoscalingDefaults
{
    public const int DefaultCpuUtilization = 80;

    public static void Apply(HorizontalPodAutoscaler hpa)
    {
        var spec = hpa.Spec ??= new HorizontalPodAutoscalerSpec();
        spec.MinReplicas ??= 1;
        if (spec.Metrics is null or { Count: 0 })
        {
            spec.Metrics = [CpuUtilization(DefaultCpuUtilization)];
        }
        var behavior = spec.Behavior ??= new HorizontalPodAutoscalerBehavior();
        behavior.ScaleUp = Fill(behavior.ScaleUp, 0, [new() { Type = "Pods", Value = 4, PeriodSeconds = 15 }, new() { Type = "Percent", Value = 100, PeriodSeconds = 15 }]);
        behavior.ScaleDown = Fill(behavior.ScaleDown, 300, [new() { Type = "Percent", Value = 100, PeriodSeconds = 15 }]);
    }

    public static MetricSpec CpuUtilization(int percent) => new()
    {
        Type = "Resource",
        Resource = new ResourceMetricSource { Name = "cpu", Target = new MetricTarget { Type = "Utilization", AverageUtilization = percent } },
    };

    private static HPAScalingRules Fill(HPAScalingRules? rules, int window, List<HPAScalingPolicy> policies)
    {
        rules ??= new HPAScalingRules();
        rules.StabilizationWindowSeconds ??= window;
        rules.SelectPolicy ??= "Max";
        rules.Policies ??= policies;
        return rules;
    }
}
