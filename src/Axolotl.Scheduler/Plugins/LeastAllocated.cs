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
        var scores = new long[nodes.Count];
        for (var n = 0; n < scores.Length; n++)
        {
            var requested = nodes[n].NonZeroRequested + request;
            scores[n] = (Free(requested.MilliCpu, nodes[n].AllocatableMilliCpu) + Free(requested.Memory, nodes[n].AllocatableMemory)) / 2;
        }
        return scores;
    }

    private static long Free(long requested, long capacity) =>
        capacity == 0 || requested > capacity ? 0 : (capacity - requested) * IScorePlugin.MaxScore / capacity;
}
