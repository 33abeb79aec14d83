using Axolotl.Api.Core;
using Axolotl.Scheduler.Framework;

namespace Axolotl.Scheduler.Plugins;

/// <summary>
/// Prefers the node with the most room left after placing the pod: for cpu and memory,
/// (allocatable - requested) * 100 / allocatable, averaged with equal weights (upstream's
/// NodeResourcesFit LeastAllocated strategy, counting request-less containers as 100m / 200Mi).
/// </summary>
public sealed class LeastAllocated : IScorePlugin
{
    public string Name => "NodeResourcesLeastAllocated";

    public int Weight => 1;

    public IReadOnlyList<long> Score(Pod pod, IReadOnlyList<NodeInfo> nodes, IReadOnlyList<NodeInfo> allNodes)
    {
        var request = ResourceRequest.NonZeroForPod(pod);
        return nodes.Select(n =>
        {
            var requested = n.NonZeroRequested + request;
            return (Free(requested.MilliCpu, n.AllocatableMilliCpu) + Free(requested.Memory, n.AllocatableMemory)) / 2;
        }).ToList();
    }

    private static long Free(long requested, long capacity) =>
        capacity == 0 || requested > capacity ? 0 : (capacity - requested) * IScorePlugin.MaxScore / capacity;
}
