using System.Globalization;
using Axolotl.Api.Batch;
using Axolotl.Api.Core;

namespace Axolotl.Controllers.Jobs;

/// <summary>How the Job controller reads its pods (upstream job/pod helpers).</summary>
internal static class JobPods
{
    /// <summary>Per-index failures so far, carried on each new pod of an index (upstream's annotation).</summary>
    public const string IndexFailureCountAnnotation = "batch.kubernetes.io/job-index-failure-count";

    public const int UnknownIndex = -1;

    public static bool HasTrackingFinalizer(Pod pod) => pod.Metadata.Finalizers?.Contains(Job.TrackingFinalizer) == true;

    public static bool IsFinished(Pod pod) => pod.Status?.Phase is "Succeeded" or "Failed";

    public static bool IsTerminating(Pod pod) => pod.Metadata.DeletionTimestamp is not null && !IsFinished(pod);

    public static bool IsActive(Pod pod) => pod.Metadata.DeletionTimestamp is null && !IsFinished(pod);

    public static bool IsReady(Pod pod) => pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    /// <summary>
    /// Failed, or (unless only failed pods are replaced) deleted before it succeeded: an orphan that
    /// never reaches the Failed phase still counts (upstream isPodFailed).
    /// </summary>
    public static bool IsFailed(Pod pod, JobSpec spec)
    {
        if (pod.Status?.Phase == "Failed")
        {
            return true;
        }
        if (spec.PodReplacementPolicy == "Failed")
        {
            return false;
        }
        return pod.Metadata.DeletionTimestamp is not null && pod.Status?.Phase != "Succeeded";
    }

    /// <summary>The pod's completion index, or <see cref="UnknownIndex"/> when it has none or a malformed one.</summary>
    public static int CompletionIndex(Pod pod)
    {
        var text = pod.Metadata.Annotations?.GetValueOrDefault(Job.CompletionIndexAnnotation)
            ?? pod.Metadata.Labels?.GetValueOrDefault(Job.CompletionIndexAnnotation);
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : UnknownIndex;
    }

    public static int IndexFailureCount(Pod pod) =>
        int.TryParse(pod.Metadata.Annotations?.GetValueOrDefault(IndexFailureCountAnnotation), NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count : 0;

    /// <summary>When the pod finished: the last container end, else its last condition change, else <paramref name="fallback"/>.</summary>
    public static DateTimeOffset FinishTime(Pod pod, DateTimeOffset fallback)
    {
        var ends = (pod.Status?.ContainerStatuses ?? []).Concat(pod.Status?.InitContainerStatuses ?? [])
            .Select(s => s.State?.Terminated?.FinishedAt).Where(t => t is not null).Select(t => t!.Value).ToList();
        if (ends.Count > 0)
        {
            return ends.Max();
        }
        var transitions = (pod.Status?.Conditions ?? []).Select(c => c.LastTransitionTime).Where(t => t is not null).Select(t => t!.Value).ToList();
        return transitions.Count > 0 ? transitions.Max() : fallback;
    }

    /// <summary>Container restarts of the pod (for OnFailure, where failures restart in place instead of failing the pod).</summary>
    public static int Restarts(Pod pod) =>
        (pod.Status?.ContainerStatuses ?? []).Sum(s => s.RestartCount) + (pod.Status?.InitContainerStatuses ?? []).Sum(s => s.RestartCount);
}
