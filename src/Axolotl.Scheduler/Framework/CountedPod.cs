using Axolotl.Api.Core;

namespace Axolotl.Scheduler.Framework;

/// <summary>
/// A pod as the scheduler's cache counts it on a node, with what <see cref="NodeInfo.AddPod(CountedPod)"/> reads
/// worked out once: a node's info is rebuilt from its pods whenever one of them changes, and working out each
/// pod's requests again (quantities in arbitrary precision) was most of that rebuild. So are its affinity terms
/// (<see cref="Affinity"/>, parsed on first use, so that a status write does not parse them): parsing the selectors
/// of every pod with affinity on the node a pod had just been bound to grew a constrained pod's cycle with every pod
/// of its kind placed. Used under the scheduler's lock, as the cache is.
/// </summary>
public sealed class CountedPod(Pod pod, ResourceRequest requested, ResourceRequest nonZeroRequested, bool hasPodAffinity)
{
    private PodInfo? _affinity;

    public Pod Pod { get; } = pod;

    public ResourceRequest Requested { get; } = requested;

    public ResourceRequest NonZeroRequested { get; } = nonZeroRequested;

    public bool HasPodAffinity { get; } = hasPodAffinity;

    /// <summary>The pod's affinity terms parsed, null when it states no pod affinity or anti-affinity.</summary>
    public PodInfo? Affinity => HasPodAffinity ? _affinity ??= new PodInfo(Pod) : null;

    public static CountedPod Of(Pod pod) =>
        new(pod, ResourceRequest.ForPod(pod), ResourceRequest.NonZeroForPod(pod), PodInfo.HasPodAffinity(pod));
}
