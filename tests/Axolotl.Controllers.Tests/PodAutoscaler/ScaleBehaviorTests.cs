using Axolotl.Api.Autoscaling;
using Axolotl.Api.Defaulting;
using Axolotl.Controllers.PodAutoscaler;

namespace Axolotl.Controllers.Tests.PodAutoscaler;

public sealed class ScaleBehaviorTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static HorizontalPodAutoscalerBehavior Defaults(int? downWindow = null)
    {
        var hpa = new HorizontalPodAutoscaler { Spec = new HorizontalPodAutoscalerSpec { MaxReplicas = 100 } };
        if (downWindow is { } window)
        {
            hpa.Spec.Behavior = new HorizontalPodAutoscalerBehavior { ScaleDown = new HPAScalingRules { StabilizationWindowSeconds = window } };
        }
        AutoscalingDefaults.Apply(hpa);
        return hpa.Spec.Behavior!;
    }

    [Fact]
    public void Defaults_are_upstreams()
    {
        var behavior = Defaults();

        Assert.Equal(0, behavior.ScaleUp!.StabilizationWindowSeconds);
        Assert.Equal("Max", behavior.ScaleUp.SelectPolicy);
        Assert.Equal([("Pods", 4, 15), ("Percent", 100, 15)], behavior.ScaleUp.Policies!.Select(p => (p.Type, p.Value, p.PeriodSeconds)));
        Assert.Equal(300, behavior.ScaleDown!.StabilizationWindowSeconds);
        Assert.Equal([("Percent", 100, 15)], behavior.ScaleDown.Policies!.Select(p => (p.Type, p.Value, p.PeriodSeconds)));
    }

    [Fact]
    public void Scale_up_is_limited_to_the_larger_of_four_pods_and_doubling_per_period()
    {
        var decision = new ScaleBehavior().Normalize(Defaults(), current: 1, desired: 20, 1, 100, Start);

        Assert.Equal(5, decision.Replicas); // max(1 + 4, 1 × 2)
        Assert.Equal("ScaleUpLimit", decision.LimitReason);
        Assert.Equal("the desired replica count is increasing faster than the maximum scale rate", decision.LimitMessage);
    }

    [Fact]
    public void Scale_events_within_the_period_count_against_the_rate()
    {
        var behavior = new ScaleBehavior();
        behavior.RecordScale(2, 6, Start);

        // 10 s later the period started at 2 replicas: max(2 + 4, 2 × 2) = 6, so nothing more yet.
        Assert.Equal(6, behavior.Normalize(Defaults(), 6, 20, 1, 100, Start.AddSeconds(10)).Replicas);
        // After the 15 s period the count starts from 6: max(10, 12) = 12.
        Assert.Equal(12, behavior.Normalize(Defaults(), 6, 20, 1, 100, Start.AddSeconds(16)).Replicas);
    }

    [Fact]
    public void Max_replicas_bounds_with_its_own_reason()
    {
        var decision = new ScaleBehavior().Normalize(Defaults(), 4, 20, 1, 5, Start);

        Assert.Equal(5, decision.Replicas);
        Assert.Equal("TooManyReplicas", decision.LimitReason);
    }

    [Fact]
    public void Scale_down_waits_for_the_highest_recommendation_of_the_window_to_expire()
    {
        var behavior = new ScaleBehavior();
        var behaviorSpec = Defaults(downWindow: 60);
        Assert.Equal(4, behavior.Normalize(behaviorSpec, 4, 4, 1, 10, Start).Replicas);

        var stabilized = behavior.Normalize(behaviorSpec, 4, 1, 1, 10, Start.AddSeconds(30));
        Assert.Equal(4, stabilized.Replicas);
        Assert.Equal("ScaleDownStabilized", stabilized.StabilizeReason);
        Assert.Equal("recent recommendations were higher than current one, applying the highest recent recommendation", stabilized.StabilizeMessage);

        var after = behavior.Normalize(behaviorSpec, 4, 1, 1, 10, Start.AddSeconds(61));
        Assert.Equal(1, after.Replicas);
        Assert.Equal("ReadyForNewScale", after.StabilizeReason);
        Assert.Equal("DesiredWithinRange", after.LimitReason);
    }

    [Fact]
    public void Disabled_scale_down_keeps_the_count()
    {
        var spec = Defaults(downWindow: 0);
        spec.ScaleDown!.SelectPolicy = "Disabled";

        Assert.Equal(4, new ScaleBehavior().Normalize(spec, 4, 1, 1, 10, Start).Replicas);
    }
}
