using Axolotl.Api.Autoscaling;
using Axolotl.Api.Autoscaling.V1;
using Axolotl.Api.Defaulting;
using Axolotl.Api.Resources;
using Axolotl.Api.Validation;
using V1 = Axolotl.Api.Autoscaling.V1;

namespace Axolotl.Api.Tests.Autoscaling;

public sealed class HorizontalPodAutoscalerConversionTests
{
    private static Api.Autoscaling.HorizontalPodAutoscaler V2(params MetricSpec[] metrics)
    {
        var hpa = new Api.Autoscaling.HorizontalPodAutoscaler
        {
            ApiVersion = "autoscaling/v2",
            Kind = "HorizontalPodAutoscaler",
            Metadata = new() { Name = "web", Namespace = "default", Annotations = new() { ["team"] = "a" } },
            Spec = new Api.Autoscaling.HorizontalPodAutoscalerSpec
            {
                ScaleTargetRef = new CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = "web" },
                MaxReplicas = 5,
                Metrics = [.. metrics],
            },
        };
        AutoscalingDefaults.Apply(hpa);
        return hpa;
    }

    [Fact]
    public void A_cpu_utilization_target_becomes_targetCPUUtilizationPercentage_and_the_behavior_an_annotation()
    {
        var v1 = HorizontalPodAutoscalerConversion.ToV1(V2(AutoscalingDefaults.CpuUtilization(50)));

        Assert.Equal(50, v1.Spec!.TargetCPUUtilizationPercentage);
        Assert.Equal(1, v1.Spec.MinReplicas);
        Assert.Equal("a", v1.Metadata.Annotations!["team"]);
        Assert.False(v1.Metadata.Annotations.ContainsKey(HorizontalPodAutoscalerConversion.MetricsAnnotation));
        Assert.StartsWith("{\"ScaleUp\":{\"StabilizationWindowSeconds\":0,\"SelectPolicy\":\"Max\",\"Policies\":[{\"Type\":\"Pods\",\"Value\":4,\"PeriodSeconds\":15}",
            v1.Metadata.Annotations[HorizontalPodAutoscalerConversion.BehaviorAnnotation], StringComparison.Ordinal);
    }

    [Fact]
    public void Other_metrics_travel_in_the_v2beta1_shaped_annotation_and_come_back()
    {
        var memory = new MetricSpec
        {
            Type = "Resource",
            Resource = new ResourceMetricSource { Name = "memory", Target = new MetricTarget { Type = "AverageValue", AverageValue = Quantity.Parse("100Mi") } },
        };
        var original = V2(AutoscalingDefaults.CpuUtilization(50), memory);
        original.Spec!.Behavior!.ScaleDown!.StabilizationWindowSeconds = 5;
        original.Status = new Api.Autoscaling.HorizontalPodAutoscalerStatus
        {
            CurrentReplicas = 2,
            DesiredReplicas = 3,
            CurrentMetrics = [new MetricStatus { Type = "Resource", Resource = new ResourceMetricStatus { Name = "cpu", Current = new MetricValueStatus { AverageUtilization = 12 } } }],
            Conditions = [new HorizontalPodAutoscalerCondition { Type = "AbleToScale", Status = "True", Reason = "ReadyForNewScale" }],
        };

        var v1 = HorizontalPodAutoscalerConversion.ToV1(original);
        Assert.Equal("[{\"type\":\"Resource\",\"resource\":{\"name\":\"memory\",\"targetAverageValue\":\"100Mi\"}}]",
            v1.Metadata.Annotations![HorizontalPodAutoscalerConversion.MetricsAnnotation]);
        Assert.Equal(12, v1.Status!.CurrentCPUUtilizationPercentage);

        var back = HorizontalPodAutoscalerConversion.ToV2(v1);
        Assert.Equal(["cpu", "memory"], back.Spec!.Metrics!.Select(m => m.Resource!.Name));
        Assert.Equal(Quantity.Parse("100Mi"), back.Spec.Metrics![1].Resource!.Target!.AverageValue);
        Assert.Equal("AverageValue", back.Spec.Metrics[1].Resource!.Target!.Type);
        Assert.Equal(5, back.Spec.Behavior!.ScaleDown!.StabilizationWindowSeconds);
        Assert.Equal("ReadyForNewScale", Assert.Single(back.Status!.Conditions!).Reason);
        Assert.Equal(new Dictionary<string, string> { ["team"] = "a" }, back.Metadata.Annotations);
    }

    [Fact]
    public void A_bad_annotation_is_a_validation_error_not_a_crash()
    {
        var v1 = new V1.HorizontalPodAutoscaler
        {
            Metadata = new() { Name = "web", Namespace = "default", Annotations = new() { [HorizontalPodAutoscalerConversion.MetricsAnnotation] = "{not json" } },
            Spec = new V1.HorizontalPodAutoscalerSpec { ScaleTargetRef = new CrossVersionObjectReference { Kind = "Deployment", Name = "web" }, MaxReplicas = 3 },
        };

        var error = Assert.Single(ObjectValidator.Validate(v1, null));
        Assert.Equal("metadata.annotations", error.Field);
    }

    [Fact]
    public void Validation_uses_upstreams_paths_and_messages()
    {
        var v1 = new V1.HorizontalPodAutoscaler
        {
            Metadata = new() { Name = "web", Namespace = "default" },
            Spec = new V1.HorizontalPodAutoscalerSpec { ScaleTargetRef = new CrossVersionObjectReference { Kind = "Deployment" }, MinReplicas = 3, MaxReplicas = 2, TargetCPUUtilizationPercentage = 0 },
        };

        var errors = ObjectValidator.Validate(v1, null).Select(e => e.ToString()).ToList();

        Assert.Contains("spec.scaleTargetRef.name: Required value", errors);
        Assert.Contains("spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`", errors);
        Assert.Contains("spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0", errors);
    }

    [Fact]
    public void A_status_write_with_negative_replica_counts_is_refused()
    {
        var old = V2(AutoscalingDefaults.CpuUtilization(50));
        var updated = V2(AutoscalingDefaults.CpuUtilization(50));
        updated.Status = new Api.Autoscaling.HorizontalPodAutoscalerStatus { CurrentReplicas = -1, DesiredReplicas = 2 };

        var error = Assert.Single(ObjectValidator.ValidateStatusUpdate(updated, old));
        Assert.Equal("status.currentReplicas", error.Field);
    }
}
