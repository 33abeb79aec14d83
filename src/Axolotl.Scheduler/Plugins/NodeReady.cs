using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Scheduler.Framework;

namespace Axolotl.Scheduler.Plugins;

/// <summary>
/// Skips nodes that are not Ready. Upstream the node lifecycle controller expresses this as taints
/// (node.kubernetes.io/not-ready when Ready is False, node.kubernetes.io/unreachable when it is Unknown
/// or missing) and TaintToleration does the rest; this filter applies the same implied taints whether
/// or not a controller has written them yet, so a pod that tolerates them (a DaemonSet's) still fits
/// and the reason reads exactly as upstream's.
/// </summary>
public sealed class NodeReady : IFilterPlugin
{
    public string Name => "NodeReady";

    public FilterResult Filter(Pod pod, NodeInfo node)
    {
        var ready = node.ReadyStatus;
        if (ready == "True")
        {
            return FilterResult.Success;
        }
        var taint = new Taint { Key = ready == "False" ? WellKnown.TaintNodeNotReady : WellKnown.TaintNodeUnreachable, Effect = "NoSchedule" };
        return Tolerations.AnyTolerates(pod.Spec?.Tolerations, taint)
            ? FilterResult.Success
            : FilterResult.Unresolvable(TaintToleration.UntoleratedReason(taint));
    }
}
