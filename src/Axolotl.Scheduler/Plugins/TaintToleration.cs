using Axolotl.Api.Core;
using Axolotl.Scheduler.Framework;

namespace Axolotl.Scheduler.Plugins;

/// <summary>Rejects nodes with a NoSchedule or NoExecute taint the pod does not tolerate (PreferNoSchedule only affects scoring upstream).</summary>
public sealed class TaintToleration : IFilterPlugin
{
    public string Name => "TaintToleration";

    public FilterResult Filter(Pod pod, NodeInfo node)
    {
        // Judged for every node in every cycle: an untainted node makes no empty list.
        if (node.Node.Spec?.Taints is not { } taints)
        {
            return FilterResult.Success;
        }
        foreach (var taint in taints)
        {
            if (taint.Effect is not ("NoSchedule" or "NoExecute"))
            {
                continue;
            }
            if (!Tolerations.AnyTolerates(pod.Spec?.Tolerations, taint))
            {
                return FilterResult.Unresolvable(UntoleratedReason(taint));
            }
        }
        return FilterResult.Success;
    }

    public static string UntoleratedReason(Taint taint) => $"node(s) had untolerated taint {Tolerations.Describe(taint)}";
}
