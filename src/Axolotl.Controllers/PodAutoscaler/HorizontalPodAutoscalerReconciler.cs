using Axolotl.Api.Autoscaling;
using Axolotl.Api.Core;
using Axolotl.Api.Metrics;
using Axolotl.Api.Resources;
using Axolotl.Api.Scheme;
using Axolotl.Client;
using Axolotl.Client.Events;

namespace Axolotl.Controllers.PodAutoscaler;

/// <summary>
/// One HPA, one pass, as upstream's reconcileAutoscaler: read the target's scale; outside
/// min/max go to the bound; else compute each metric's replica count from the resource metrics API
/// and the pods' requests (<see cref="ReplicaCalculator"/>), take the largest, apply the behavior
/// (<see cref="ScaleBehavior"/>), write the scale when it changes, then the status with its
/// conditions (AbleToScale, ScalingActive, ScalingLimited) and upstream's events.
/// </summary>
public sealed class HorizontalPodAutoscalerReconciler(KubeClient client, EventRecorder events, TimeProvider time)
{
    private readonly Dictionary<string, ScaleBehavior> _behaviors = new(StringComparer.Ordinal);
    private readonly ReplicaCalculator _calculator = new();

    /// <summary>Drops the history of HPAs that no longer exist.</summary>
    public void Forget(IEnumerable<string> live)
    {
        var keep = live.ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _behaviors.Keys.Where(k => !keep.Contains(k)).ToList())
        {
            _behaviors.Remove(gone);
        }
    }

    public async Task ReconcileAsync(HorizontalPodAutoscaler hpa, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var spec = hpa.Spec ?? new HorizontalPodAutoscalerSpec();
        var ns = hpa.Metadata.Namespace;
        var status = new HorizontalPodAutoscalerStatus
        {
            ObservedGeneration = hpa.Metadata.Generation,
            LastScaleTime = hpa.Status?.LastScaleTime,
            CurrentReplicas = hpa.Status?.CurrentReplicas ?? 0,
            DesiredReplicas = hpa.Status?.DesiredReplicas ?? 0,
            CurrentMetrics = hpa.Status?.CurrentMetrics,
            Conditions = hpa.Status?.Conditions is { } old ? [.. old] : [],
        };
        var target = spec.ScaleTargetRef ?? new CrossVersionObjectReference();
        var (group, _) = KnownResources.ParseApiVersion(target.ApiVersion ?? "");
        var type = KnownResources.FindByKind(group, target.Kind ?? "");
        Scale scale;
        try
        {
            if (type is null || !type.HasSubresource("scale"))
            {
                throw new InvalidOperationException($"unable to determine resource for scale target reference: no matches for kind \"{target.Kind}\" in group \"{group}\"");
            }
            scale = await client.Raw(type).GetSubresourceAsync<Scale>(ns, target.Name ?? "", "scale", ct);
        }
        catch (Exception e) when (e is KubeApiException or InvalidOperationException)
        {
            events.Record(hpa, EventRecorder.Warning, "FailedGetScale", e.Message);
            SetCondition(status, "AbleToScale", "False", "FailedGetScale", $"the HPA controller was unable to get the target's current scale: {e.Message}", now);
            await WriteStatusAsync(hpa, status, ct);
            return;
        }
        SetCondition(status, "AbleToScale", "True", "SucceededGetScale", "the HPA controller was able to get the target's current scale", now);
        var current = scale.Spec?.Replicas ?? 0;
        status.CurrentReplicas = scale.Status?.Replicas ?? 0;
        var min = spec.MinReplicas ?? 1;
        int desired;
        var reason = "";
        var behavior = _behaviors.TryGetValue(hpa.Metadata.Uid ?? "", out var known) ? known : _behaviors[hpa.Metadata.Uid ?? ""] = new ScaleBehavior();
        if (current == 0 && min != 0)
        {
            desired = 0;
            SetCondition(status, "ScalingActive", "False", "ScalingDisabled", "scaling is disabled since the replica count of the target is zero", now);
        }
        else if (current > spec.MaxReplicas)
        {
            (desired, reason) = (spec.MaxReplicas, "Current number of replicas above Spec.MaxReplicas");
        }
        else if (current < min)
        {
            (desired, reason) = (min, "Current number of replicas below Spec.MinReplicas");
        }
        else
        {
            var computed = await ComputeAsync(hpa, spec, scale, current, status, now, ct);
            if (computed is not { } metric)
            {
                status.DesiredReplicas = current;
                await WriteStatusAsync(hpa, status, ct);
                return;
            }
            desired = metric.Replicas;
            reason = desired > current ? $"{metric.Name} above target" : desired < current ? "All metrics below target" : "";
            var decision = behavior.Normalize(spec.Behavior ?? new HorizontalPodAutoscalerBehavior(), current, desired, min, spec.MaxReplicas, now);
            desired = decision.Replicas;
            SetCondition(status, "AbleToScale", "True", decision.StabilizeReason, decision.StabilizeMessage, now);
            SetCondition(status, "ScalingLimited", decision.Limited ? "True" : "False", decision.LimitReason, decision.LimitMessage, now);
        }

        if (desired != current && !(current == 0 && min != 0))
        {
            scale.Spec = new ScaleSpec { Replicas = desired };
            try
            {
                await client.Raw(type!).ReplaceSubresourceAsync<Scale, Scale>(ns, target.Name ?? "", "scale", scale, ct);
            }
            catch (KubeApiException e)
            {
                events.Record(hpa, EventRecorder.Warning, "FailedRescale", $"New size: {desired}; reason: {reason}; error: {e.Message}");
                SetCondition(status, "AbleToScale", "False", "FailedUpdateScale", $"the HPA controller was unable to update the target scale: {e.Message}", now);
                status.DesiredReplicas = current;
                await WriteStatusAsync(hpa, status, ct);
                return;
            }
            SetCondition(status, "AbleToScale", "True", "SucceededRescale", $"the HPA controller was able to update the target scale to {desired}", now);
            events.Record(hpa, EventRecorder.Normal, "SuccessfulRescale", $"New size: {desired}; reason: {reason}");
            behavior.RecordScale(current, desired, now);
            status.LastScaleTime = now;
            status.DesiredReplicas = desired;
        }
        else
        {
            status.DesiredReplicas = current == 0 && min != 0 ? 0 : current;
        }
        await WriteStatusAsync(hpa, status, ct);
    }

    /// <summary>The largest replica count any metric asks for, or null when none could be computed (conditions and events say why).</summary>
    private async Task<(int Replicas, string Name)?> ComputeAsync(HorizontalPodAutoscaler hpa, HorizontalPodAutoscalerSpec spec, Scale scale, int current,
        HorizontalPodAutoscalerStatus status, DateTimeOffset now, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(scale.Status?.Selector))
        {
            events.Record(hpa, EventRecorder.Warning, "SelectorRequired", "selector is required");
            SetCondition(status, "ScalingActive", "False", "InvalidSelector", "the HPA target's scale is missing a selector", now);
            return null;
        }
        var selector = scale.Status.Selector;
        var pods = (await client.Resource<Pod>().ListAllAsync(hpa.Metadata.Namespace, new ListOptions { LabelSelector = selector }, ct)).Items;
        var podMetrics = (await client.Resource<PodMetrics>().ListAsync(hpa.Metadata.Namespace, new ListOptions { LabelSelector = selector }, ct)).Items;
        var metricStatuses = new List<MetricStatus>();
        (int Replicas, string Name)? best = null;
        string? firstError = null;
        var invalid = 0;
        var metrics = spec.Metrics ?? [];
        foreach (var metric in metrics)
        {
            var (resource, container, target) = metric switch
            {
                { Type: "Resource", Resource: { } r } => (r.Name ?? "", null, r.Target),
                { Type: "ContainerResource", ContainerResource: { } c } => (c.Name ?? "", c.Container, c.Target),
                _ => ("", null, null),
            };
            if (target is null)
            {
                invalid++;
                var kind = metric.Type ?? "";
                firstError ??= $"unable to get metric: the {kind} metric source is not supported: Axolotl serves no custom or external metrics API";
                events.Record(hpa, EventRecorder.Warning, $"FailedGet{kind}Metric", firstError);
                SetCondition(status, "ScalingActive", "False", $"FailedGet{kind}Metric", $"the HPA was unable to compute the replica count: {firstError}", now);
                continue;
            }
            var usage = Usage(podMetrics, resource);
            var utilization = target.Type == "Utilization" ? target.AverageUtilization : null;
            var name = utilization is not null ? $"{resource} resource utilization (percentage of request)" : $"{resource} resource";
            try
            {
                if (usage.Count == 0)
                {
                    throw new ReplicaCalculationException($"unable to get metrics for resource {resource}: no metrics returned from resource metrics API");
                }
                var calc = _calculator.Calculate(current, resource, container, utilization, target.AverageValue?.MilliValue(), pods, usage, usage.Values.Max(u => u.Timestamp));
                var value = new MetricValueStatus { AverageUtilization = calc.Utilization, AverageValue = Quantity.FromMilli(calc.RawAverageMilli) };
                metricStatuses.Add(container is null
                    ? new MetricStatus { Type = "Resource", Resource = new ResourceMetricStatus { Name = resource, Current = value } }
                    : new MetricStatus { Type = "ContainerResource", ContainerResource = new ContainerResourceMetricStatus { Name = resource, Container = container, Current = value } });
                if (best is null || calc.Replicas > best.Value.Replicas)
                {
                    best = (calc.Replicas, name);
                }
            }
            catch (ReplicaCalculationException e)
            {
                invalid++;
                var reason = container is null ? "FailedGetResourceMetric" : "FailedGetContainerResourceMetric";
                var message = utilization is not null ? $"failed to get {resource} utilization: {e.Message}" : $"failed to get {resource} usage: {e.Message}";
                firstError ??= message;
                events.Record(hpa, EventRecorder.Warning, reason, message);
                SetCondition(status, "ScalingActive", "False", reason, $"the HPA was unable to compute the replica count: {message}", now);
            }
        }
        status.CurrentMetrics = metricStatuses.Count > 0 ? metricStatuses : null;
        if (best is null)
        {
            events.Record(hpa, EventRecorder.Warning, "FailedComputeMetricsReplicas", $"invalid metrics ({invalid} invalid out of {metrics.Count}), first error is: {firstError}");
            return null;
        }
        if (invalid == 0)
        {
            SetCondition(status, "ScalingActive", "True", "ValidMetricFound", $"the HPA was able to successfully calculate a replica count from {best.Value.Name}", now);
        }
        return best;
    }

    private static Dictionary<string, PodUsage> Usage(IEnumerable<PodMetrics> metrics, string resource)
    {
        var result = new Dictionary<string, PodUsage>(StringComparer.Ordinal);
        foreach (var pod in metrics)
        {
            var containers = pod.Containers.ToDictionary(c => c.Name, c => c.Usage.TryGetValue(resource, out var q) ? q.MilliValue() : 0, StringComparer.Ordinal);
            var window = TimeSpan.TryParse("00:00:" + pod.Window.TrimEnd('s'), System.Globalization.CultureInfo.InvariantCulture, out var w) ? w : TimeSpan.FromSeconds(15);
            result[pod.Metadata.Name ?? ""] = new PodUsage(containers, pod.Timestamp, window);
        }
        return result;
    }

    private static void SetCondition(HorizontalPodAutoscalerStatus status, string type, string value, string reason, string message, DateTimeOffset now)
    {
        var conditions = status.Conditions ??= [];
        var existing = conditions.FirstOrDefault(c => c.Type == type);
        if (existing is null)
        {
            conditions.Add(new HorizontalPodAutoscalerCondition { Type = type, Status = value, Reason = reason, Message = message, LastTransitionTime = now });
            return;
        }
        if (existing.Status != value)
        {
            existing.LastTransitionTime = now;
        }
        (existing.Status, existing.Reason, existing.Message) = (value, reason, message);
    }

    private async Task WriteStatusAsync(HorizontalPodAutoscaler hpa, HorizontalPodAutoscalerStatus status, CancellationToken ct)
    {
        hpa.Status = status;
        await client.Resource<HorizontalPodAutoscaler>().UpdateStatusAsync(hpa, ct);
    }
}
