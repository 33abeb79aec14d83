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

    private readonly LastPodMemo<ResourceRequest> _request = new(ResourceRequest.ForPod);

    public string Name => "NodeResourcesFit";

    public FilterResult Filter(Pod pod, NodeInfo node)
    {
        var request = _request.For(pod);
        var tooMany = node.Pods.Count + 1 > node.AllowedPodCount;
        var cpu = request.MilliCpu > 0 && request.MilliCpu > node.AllocatableMilliCpu - node.Requested.MilliCpu;
        var memory = request.Memory > 0 && request.Memory > node.AllocatableMemory - node.Requested.Memory;
        if (!tooMany && !cpu && !memory)
        {
            return FilterResult.Success;
        }
        var reasons = new List<string>();
        if (tooMany)
        {
            reasons.Add(TooManyPods);
        }
        if (cpu)
        {
            reasons.Add(InsufficientCpu);
        }
        if (memory)
        {
            reasons.Add(InsufficientMemory);
        }
        return new FilterResult(FilterCode.Unschedulable, reasons);
    }
}
