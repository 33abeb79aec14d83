using Axolotl.Api.Core;

namespace Axolotl.Scheduler.Framework;

/// <summary>
/// A pod as the scheduler's cache counts it on a node, with what <see cref="NodeInfo.AddPod(CountedPod)"/> reads
/// worked out once: a node's info is rebuilt from its pods whenever one of them changes, and working out each
/// pod's requests again (quantities in arbitrary precision) was most of that rebuild.
/// </summary>
public sealed record CountedPod(Pod Pod, ResourceRequest Requested, ResourceRequest NonZeroRequested, bool HasPodAffinity)
{
    public static CountedPod Of(Pod pod) =>
        new(pod, ResourceRequest.ForPod(pod), ResourceRequest.NonZeroForPod(pod), PodInfo.HasPodAffinity(pod));
}
