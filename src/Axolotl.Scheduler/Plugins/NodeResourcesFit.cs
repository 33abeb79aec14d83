using Axolotl.Api.Core;
using Axolotl.Scheduler.Framework;

namespace Axolotl.Scheduler.Plugins;

/// <summary>
/// Checks the pod's requests plus those of the pods already on the node against status.allocatable
/// (cpu, memory and the pod count), reporting every shortage as upstream does.
/// </summary>
public sealed class NodeResourcesFit : IFilterPlugin
{
    public const string TooManyPods = "Too many pods";

    public const string InsufficientCpu = "Insufficient cpu";

    public const string InsufficientMemory = "Insufficient memory";

    public string Name => "NodeResourcesFit";

    public FilterResult Filter(Pod pod, NodeInfo node)
    {
        var reasons = new List<string>();
        if (node.Pods.Count + 1 > node.AllowedPodCount)
        {
            reasons.Add(TooManyPods);
        }
        var request = ResourceRequest.ForPod(pod);
        if (request.MilliCpu > 0 && request.MilliCpu > node.AllocatableMilliCpu - node.Requested.MilliCpu)
        {
            reasons.Add(InsufficientCpu);
        }
        if (request.Memory > 0 && request.Memory > node.AllocatableMemory - node.Requested.Memory)
        {
            reasons.Add(InsufficientMemory);
        }
        return reasons.Count == 0 ? FilterResult.Success : new FilterResult(FilterCode.Unschedulable, reasons);
    }
}
