using Axolotl.Api.Core;

namespace Axolotl.Scheduler.Preemption;

/// <summary>
/// How pods rank against each other in preemption (upstream's corev1helpers.PodPriority and
/// util.MoreImportantPod): a pod without a priority counts as 0; of two pods the more important has the
/// higher priority, then the earlier start (a pod not started yet counts as starting now, the latest).
/// </summary>
public static class PodImportance
{
    public const string DisruptionTarget = "DisruptionTarget";

    public const string PreemptionByScheduler = "PreemptionByScheduler";

    public static int Priority(Pod pod) => pod.Spec?.Priority ?? 0;

    public static DateTimeOffset StartTime(Pod pod, DateTimeOffset now) => pod.Status?.StartTime ?? now;

    /// <summary>Most important first: the order in which victims are offered a reprieve.</summary>
    public static IComparer<Pod> MostImportantFirst(DateTimeOffset now) => Comparer<Pod>.Create((a, b) =>
    {
        var byPriority = Priority(b).CompareTo(Priority(a));
        return byPriority != 0 ? byPriority : StartTime(a, now).CompareTo(StartTime(b, now));
    });

    /// <summary>Deleting, and marked by a scheduler's preemption (upstream's podTerminatingByPreemption).</summary>
    public static bool IsTerminatingByPreemption(Pod pod) =>
        pod.Metadata.DeletionTimestamp is not null
        && pod.Status?.Conditions?.Any(c => c.Type == DisruptionTarget && c.Status == "True" && c.Reason == PreemptionByScheduler) == true;
}
