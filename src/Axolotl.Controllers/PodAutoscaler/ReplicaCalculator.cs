using Axolotl.Api.Core;

namespace Axolotl.Controllers.PodAutoscaler;

/// <summary>What a resource metric asks for: the replica count, and the utilisation / average it saw.</summary>
public sealed record ReplicaCalculation(int Replicas, int? Utilization, long RawAverageMilli, DateTimeOffset Timestamp);

/// <summary>
/// Upstream's replica calculator for resource metrics, pure: pods being deleted or failed are
/// ignored; pending pods, and for CPU pods not yet ready or still starting, count as unready;
/// pods without a metric are missing. Within the 10 % tolerance nothing changes. When pods are
/// missing, they are assumed to use 100 % of their request on a scale down and 0 % on a scale up,
/// and unready pods 0 % on a scale up; a change that this reverses or brings within tolerance is
/// dropped (the count stays).
/// </summary>
public sealed class ReplicaCalculator(double tolerance = 0.1)
{
    /// <summary>upstream's --horizontal-pod-autoscaler-cpu-initialization-period.</summary>
    public static readonly TimeSpan CpuInitializationPeriod = TimeSpan.FromMinutes(5);

    /// <summary>upstream's --horizontal-pod-autoscaler-initial-readiness-delay.</summary>
    public static readonly TimeSpan InitialReadinessDelay = TimeSpan.FromSeconds(30);

    /// <param name="metrics">Usage per pod name in milli-units (millicores, millibytes), with the window's end and length.</param>
    /// <param name="targetUtilization">Percent of requests; null for an AverageValue target.</param>
    /// <param name="targetAverageMilli">Per-pod average in milli-units, for an AverageValue target.</param>
    /// <exception cref="ReplicaCalculationException">No pods, no metrics, or a pod without a request (Utilization).</exception>
    public ReplicaCalculation Calculate(int currentReplicas, string resource, string? container, int? targetUtilization, long? targetAverageMilli,
        IReadOnlyList<Pod> pods, IReadOnlyDictionary<string, PodUsage> metrics, DateTimeOffset timestamp)
    {
        if (pods.Count == 0)
        {
            throw new ReplicaCalculationException("no pods returned by selector while calculating replica count");
        }
        var usage = new Dictionary<string, long>(StringComparer.Ordinal);
        var unready = new HashSet<string>(StringComparer.Ordinal);
        var missing = new HashSet<string>(StringComparer.Ordinal);
        var requests = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            var name = pod.Metadata.Name ?? "";
            if (pod.Metadata.DeletionTimestamp is not null || pod.Status?.Phase == "Failed")
            {
                continue;
            }
            if (pod.Status?.Phase == "Pending")
            {
                unready.Add(name);
                continue;
            }
            if (!metrics.TryGetValue(name, out var podUsage))
            {
                missing.Add(name);
                continue;
            }
            if (resource == "cpu" && IsUnreadyForCpu(pod, podUsage))
            {
                unready.Add(name);
                continue;
            }
            usage[name] = container is null ? podUsage.Containers.Values.Sum() : podUsage.Containers.GetValueOrDefault(container);
        }
        if (targetUtilization is not null)
        {
            foreach (var pod in pods)
            {
                requests[pod.Metadata.Name ?? ""] = Request(pod, resource, container);
            }
        }
        if (usage.Count == 0)
        {
            throw new ReplicaCalculationException("did not receive metrics for targeted pods (pods might be unready)");
        }
        var readyCount = usage.Count;
        var (ratio, utilization, average) = Ratio(usage, requests, targetUtilization, targetAverageMilli);
        var scaleUpWithUnready = unready.Count > 0 && ratio > 1.0;
        if (!scaleUpWithUnready && missing.Count == 0)
        {
            if (Math.Abs(1.0 - ratio) <= tolerance)
            {
                return new(currentReplicas, utilization, average, timestamp);
            }
            return new((int)Math.Ceiling(ratio * readyCount), utilization, average, timestamp);
        }
        foreach (var name in missing)
        {
            // Scale down: a silent pod may be busy (100 % of its request / the target); scale up: it may be idle.
            usage[name] = ratio < 1.0
                ? targetUtilization is not null ? requests.GetValueOrDefault(name) : targetAverageMilli ?? 0
                : 0;
        }
        if (scaleUpWithUnready)
        {
            foreach (var name in unready)
            {
                usage[name] = 0;
            }
        }
        var (newRatio, _, _) = Ratio(usage, requests, targetUtilization, targetAverageMilli);
        if (Math.Abs(1.0 - newRatio) <= tolerance || (ratio < 1.0 && newRatio > 1.0) || (ratio > 1.0 && newRatio < 1.0))
        {
            return new(currentReplicas, utilization, average, timestamp);
        }
        var replicas = (int)Math.Ceiling(newRatio * usage.Count);
        if ((newRatio < 1.0 && replicas > currentReplicas) || (newRatio > 1.0 && replicas < currentReplicas))
        {
            return new(currentReplicas, utilization, average, timestamp);
        }
        return new(replicas, utilization, average, timestamp);
    }

    private static (double Ratio, int? Utilization, long AverageMilli) Ratio(Dictionary<string, long> usage, Dictionary<string, long> requests, int? targetUtilization, long? targetAverageMilli)
    {
        var total = usage.Values.Sum();
        var average = total / Math.Max(1, usage.Count);
        if (targetUtilization is { } target)
        {
            var requested = usage.Keys.Sum(name => requests.GetValueOrDefault(name));
            if (requested == 0)
            {
                throw new ReplicaCalculationException("no metrics returned matched known pods");
            }
            var utilization = (int)(total * 100 / requested);
            return ((double)utilization / target, utilization, average);
        }
        return ((double)average / Math.Max(1, targetAverageMilli ?? 1), null, average);
    }

    /// <summary>Upstream's groupPods for CPU: a pod still starting, or whose readiness is too recent for its sample, is not counted.</summary>
    private static bool IsUnreadyForCpu(Pod pod, PodUsage usage)
    {
        var ready = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
        if (ready is null || pod.Status?.StartTime is not { } started)
        {
            return true;
        }
        var transition = ready.LastTransitionTime ?? started;
        if (started + CpuInitializationPeriod > usage.Timestamp)
        {
            // Still initialising: only a ready pod whose sample was taken entirely after it became ready counts.
            return ready.Status != "True" || usage.Timestamp < transition + usage.Window;
        }
        // After initialisation, a pod that was never ready within its first 30 s is unready.
        return ready.Status != "True" && started + InitialReadinessDelay > transition;
    }

    private static long Request(Pod pod, string resource, string? container)
    {
        long total = 0;
        foreach (var c in pod.Spec?.Containers ?? [])
        {
            if (container is not null && c.Name != container)
            {
                continue;
            }
            if (c.Resources?.Requests?.TryGetValue(resource, out var request) != true)
            {
                throw new ReplicaCalculationException($"missing request for {resource} in container {c.Name} of Pod {pod.Metadata.Name}");
            }
            total += request.MilliValue();
        }
        return total;
    }
}

/// <summary>One pod's usage: milli-units per container, and the window it was measured over.</summary>
public sealed record PodUsage(IReadOnlyDictionary<string, long> Containers, DateTimeOffset Timestamp, TimeSpan Window);

/// <summary>Why no replica count could be computed; the message is upstream's.</summary>
public sealed class ReplicaCalculationException(string message) : Exception(message);
