using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.Autoscaling.V1;

/// <summary>
/// autoscaling/v1 ⇄ v2 as upstream converts them: v1 carries one CPU utilisation target; every other
/// v2 field travels in annotations so that a v1 read-modify-write loses nothing: the other metrics
/// (autoscaling.alpha.kubernetes.io/metrics, in the v2beta1 shape v1 has always used), the current
/// values of those (…/current-metrics), the conditions (…/conditions) and the behavior
/// (…/behavior, Go field names, as upstream serialises its internal type).
/// </summary>
public static class HorizontalPodAutoscalerConversion
{
    public const string MetricsAnnotation = "autoscaling.alpha.kubernetes.io/metrics";
    public const string CurrentMetricsAnnotation = "autoscaling.alpha.kubernetes.io/current-metrics";
    public const string ConditionsAnnotation = "autoscaling.alpha.kubernetes.io/conditions";
    public const string BehaviorAnnotation = "autoscaling.alpha.kubernetes.io/behavior";

    private static readonly string[] RoundTripAnnotations = [MetricsAnnotation, CurrentMetricsAnnotation, ConditionsAnnotation, BehaviorAnnotation];

    private static readonly JsonSerializerOptions GoFieldNames = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static HorizontalPodAutoscaler ToV1(Autoscaling.HorizontalPodAutoscaler v2)
    {
        var spec = v2.Spec ?? new Autoscaling.HorizontalPodAutoscalerSpec();
        var status = v2.Status;
        var meta = KubeJson.FromNode<Meta.ObjectMeta>(KubeJson.ToNode(v2.Metadata))!;
        var annotations = meta.Annotations is null ? new Dictionary<string, string>() : new Dictionary<string, string>(meta.Annotations);
        foreach (var key in RoundTripAnnotations)
        {
            annotations.Remove(key);
        }
        int? cpu = null;
        var others = new JsonArray();
        foreach (var metric in spec.Metrics ?? [])
        {
            if (cpu is null && metric is { Type: "Resource", Resource: { Name: "cpu", Target: { Type: "Utilization", AverageUtilization: { } percent } } })
            {
                cpu = percent;
                continue;
            }
            others.Add(MetricToV2Beta1(metric));
        }
        if (others.Count > 0)
        {
            annotations[MetricsAnnotation] = others.ToJsonString();
        }
        int? currentCpu = null;
        var current = new JsonArray();
        foreach (var metric in status?.CurrentMetrics ?? [])
        {
            if (currentCpu is null && metric is { Type: "Resource", Resource: { Name: "cpu", Current.AverageUtilization: { } percent } })
            {
                currentCpu = percent;
                continue;
            }
            current.Add(StatusToV2Beta1(metric));
        }
        if (current.Count > 0)
        {
            annotations[CurrentMetricsAnnotation] = current.ToJsonString();
        }
        if (status?.Conditions is { Count: > 0 } conditions)
        {
            annotations[ConditionsAnnotation] = KubeJson.Serialize(conditions);
        }
        if (spec.Behavior is { } behavior)
        {
            annotations[BehaviorAnnotation] = JsonSerializer.Serialize(new { behavior.ScaleUp, behavior.ScaleDown }, GoFieldNames);
        }
        meta.Annotations = annotations.Count > 0 ? annotations : null;
        return new HorizontalPodAutoscaler
        {
            ApiVersion = "autoscaling/v1",
            Kind = "HorizontalPodAutoscaler",
            Metadata = meta,
            Spec = new HorizontalPodAutoscalerSpec
            {
                ScaleTargetRef = spec.ScaleTargetRef,
                MinReplicas = spec.MinReplicas,
                MaxReplicas = spec.MaxReplicas,
                TargetCPUUtilizationPercentage = cpu,
            },
            Status = status is null ? null : new HorizontalPodAutoscalerStatus
            {
                ObservedGeneration = status.ObservedGeneration,
                LastScaleTime = status.LastScaleTime,
                CurrentReplicas = status.CurrentReplicas,
                DesiredReplicas = status.DesiredReplicas,
                CurrentCPUUtilizationPercentage = currentCpu,
            },
        };
    }

    /// <exception cref="FormatException">An annotation that must hold JSON does not.</exception>
    public static Autoscaling.HorizontalPodAutoscaler ToV2(HorizontalPodAutoscaler v1)
    {
        var spec = v1.Spec ?? new HorizontalPodAutoscalerSpec();
        var meta = KubeJson.FromNode<Meta.ObjectMeta>(KubeJson.ToNode(v1.Metadata))!;
        var annotations = meta.Annotations ?? [];
        var metrics = new List<MetricSpec>();
        if (spec.TargetCPUUtilizationPercentage is { } cpu)
        {
            metrics.Add(Defaulting.AutoscalingDefaults.CpuUtilization(cpu));
        }
        if (annotations.TryGetValue(MetricsAnnotation, out var metricsJson))
        {
            metrics.AddRange(Parse(metricsJson).Select(MetricFromV2Beta1));
        }
        var currentMetrics = new List<MetricStatus>();
        if (v1.Status?.CurrentCPUUtilizationPercentage is { } currentCpu)
        {
            currentMetrics.Add(new MetricStatus { Type = "Resource", Resource = new ResourceMetricStatus { Name = "cpu", Current = new MetricValueStatus { AverageUtilization = currentCpu } } });
        }
        if (annotations.TryGetValue(CurrentMetricsAnnotation, out var currentJson))
        {
            currentMetrics.AddRange(Parse(currentJson).Select(StatusFromV2Beta1));
        }
        List<HorizontalPodAutoscalerCondition>? conditions = null;
        if (annotations.TryGetValue(ConditionsAnnotation, out var conditionsJson))
        {
            conditions = Read(() => KubeJson.Deserialize<List<HorizontalPodAutoscalerCondition>>(conditionsJson));
        }
        HorizontalPodAutoscalerBehavior? behavior = null;
        if (annotations.TryGetValue(BehaviorAnnotation, out var behaviorJson))
        {
            behavior = Read(() => JsonSerializer.Deserialize<HorizontalPodAutoscalerBehavior>(behaviorJson, GoFieldNames));
        }
        foreach (var key in RoundTripAnnotations)
        {
            annotations.Remove(key);
        }
        meta.Annotations = annotations.Count > 0 ? annotations : null;
        return new Autoscaling.HorizontalPodAutoscaler
        {
            ApiVersion = "autoscaling/v2",
            Kind = "HorizontalPodAutoscaler",
            Metadata = meta,
            Spec = new Autoscaling.HorizontalPodAutoscalerSpec
            {
                ScaleTargetRef = spec.ScaleTargetRef,
                MinReplicas = spec.MinReplicas,
                MaxReplicas = spec.MaxReplicas,
                Metrics = metrics.Count > 0 ? metrics : null,
                Behavior = behavior,
            },
            Status = v1.Status is not { } status ? null : new Autoscaling.HorizontalPodAutoscalerStatus
            {
                ObservedGeneration = status.ObservedGeneration,
                LastScaleTime = status.LastScaleTime,
                CurrentReplicas = status.CurrentReplicas,
                DesiredReplicas = status.DesiredReplicas,
                CurrentMetrics = currentMetrics.Count > 0 ? currentMetrics : null,
                Conditions = conditions,
            },
        };
    }

    private static List<JsonObject> Parse(string json) =>
        Read(() => JsonNode.Parse(json) as JsonArray ?? throw new FormatException("not a JSON array"))!.OfType<JsonObject>().ToList();

    private static T Read<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (JsonException e)
        {
            throw new FormatException(e.Message, e);
        }
    }

    // v2beta1 names a resource target targetAverageUtilization / targetAverageValue and a status currentAverage….
    private static JsonObject MetricToV2Beta1(MetricSpec metric)
    {
        var node = KubeJson.ToNode(metric);
        foreach (var source in new[] { "resource", "containerResource" })
        {
            if (node[source] is JsonObject resource && resource["target"] is JsonObject target)
            {
                resource.Remove("target");
                Move(target, "averageUtilization", resource, "targetAverageUtilization");
                Move(target, "averageValue", resource, "targetAverageValue");
            }
        }
        return node;
    }

    private static MetricSpec MetricFromV2Beta1(JsonObject node)
    {
        foreach (var source in new[] { "resource", "containerResource" })
        {
            if (node[source] is JsonObject resource && resource["target"] is null)
            {
                var target = new JsonObject();
                Move(resource, "targetAverageUtilization", target, "averageUtilization");
                Move(resource, "targetAverageValue", target, "averageValue");
                target["type"] = target["averageUtilization"] is not null ? "Utilization" : "AverageValue";
                resource["target"] = target;
            }
        }
        return Read(() => KubeJson.FromNode<MetricSpec>(node)) ?? new MetricSpec();
    }

    private static JsonObject StatusToV2Beta1(MetricStatus metric)
    {
        var node = KubeJson.ToNode(metric);
        foreach (var source in new[] { "resource", "containerResource" })
        {
            if (node[source] is JsonObject resource && resource["current"] is JsonObject current)
            {
                resource.Remove("current");
                Move(current, "averageUtilization", resource, "currentAverageUtilization");
                Move(current, "averageValue", resource, "currentAverageValue");
            }
        }
        return node;
    }

    private static MetricStatus StatusFromV2Beta1(JsonObject node)
    {
        foreach (var source in new[] { "resource", "containerResource" })
        {
            if (node[source] is JsonObject resource && resource["current"] is null)
            {
                var current = new JsonObject();
                Move(resource, "currentAverageUtilization", current, "averageUtilization");
                Move(resource, "currentAverageValue", current, "averageValue");
                resource["current"] = current;
            }
        }
        return Read(() => KubeJson.FromNode<MetricStatus>(node)) ?? new MetricStatus();
    }

    private static void Move(JsonObject from, string fromName, JsonObject to, string toName)
    {
        if (from[fromName] is { } value)
        {
            from.Remove(fromName);
            to[toName] = value;
        }
    }
}
