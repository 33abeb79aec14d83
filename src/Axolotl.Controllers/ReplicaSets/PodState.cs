using Axolotl.Api.Core;

namespace Axolotl.Controllers.ReplicaSets;

/// <summary>How controllers read a pod's lifecycle (upstream podutil and controller_utils helpers).</summary>
internal static class PodState
{
    /// <summary>Neither finished nor terminating: the pods a replica count is made of. A terminating pod already counts as gone.</summary>
    public static bool IsActive(Pod pod) =>
        pod.Status?.Phase is not ("Succeeded" or "Failed") && pod.Metadata.DeletionTimestamp is null;

    public static PodCondition? ReadyCondition(Pod pod) =>
        pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");

    public static bool IsReady(Pod pod) => ReadyCondition(pod)?.Status == "True";

    /// <summary>When a ready pod became ready, or null when it is not ready.</summary>
    public static DateTimeOffset? ReadySince(Pod pod) =>
        ReadyCondition(pod) is { Status: "True" } ready ? ready.LastTransitionTime ?? DateTimeOffset.MinValue : null;

    /// <summary>Ready for at least <paramref name="minReadySeconds"/> (upstream IsPodAvailable: strictly longer, as it compares with Before).</summary>
    public static bool IsAvailable(Pod pod, int minReadySeconds, DateTimeOffset now)
    {
        if (!IsReady(pod))
        {
            return false;
        }
        if (minReadySeconds <= 0)
        {
            return true;
        }
        var since = ReadyCondition(pod)!.LastTransitionTime;
        return since is { } t && t.AddSeconds(minReadySeconds) < now;
    }

    /// <summary>When a ready but not yet available pod will count as available; null when not ready or already available.</summary>
    public static DateTimeOffset? BecomesAvailableAt(Pod pod, int minReadySeconds, DateTimeOffset now)
    {
        if (minReadySeconds <= 0 || !IsReady(pod) || IsAvailable(pod, minReadySeconds, now))
        {
            return null;
        }
        return ReadyCondition(pod)!.LastTransitionTime?.AddSeconds(minReadySeconds);
    }

    /// <summary>"namespace/name", the key deletions are tracked by.</summary>
    public static string Key(Pod pod) => $"{pod.Metadata.Namespace}/{pod.Metadata.Name}";

    /// <summary>The largest restart count among regular containers and among restartable init (sidecar) containers.</summary>
    public static (int Regular, int Sidecar) MaxRestarts(Pod pod)
    {
        var regular = pod.Status?.ContainerStatuses?.Select(s => s.RestartCount).DefaultIfEmpty(0).Max() ?? 0;
        var sidecars = pod.Spec?.InitContainers?.Where(c => c.RestartPolicy == "Always").Select(c => c.Name).ToHashSet(StringComparer.Ordinal) ?? [];
        var sidecar = pod.Status?.InitContainerStatuses?.Where(s => sidecars.Contains(s.Name)).Select(s => s.RestartCount).DefaultIfEmpty(0).Max() ?? 0;
        return (regular, sidecar);
    }
}
