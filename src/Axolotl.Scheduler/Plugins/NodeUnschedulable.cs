using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Scheduler.Framework;

namespace Axolotl.Scheduler.Plugins;

/// <summary>Keeps pods off cordoned nodes (spec.unschedulable) unless they tolerate the unschedulable taint.</summary>
public sealed class NodeUnschedulable : IFilterPlugin
{
    public const string Reason = "node(s) were unschedulable";

    private static readonly Taint UnschedulableTaint = new() { Key = WellKnown.TaintNodeUnschedulable, Effect = "NoSchedule" };

    public string Name => "NodeUnschedulable";

    public FilterResult Filter(Pod pod, NodeInfo node) =>
        node.Node.Spec?.Unschedulable == true && !Tolerations.AnyTolerates(pod.Spec?.Tolerations, UnschedulableTaint)
            ? FilterResult.Unresolvable(Reason)
            : FilterResult.Success;
}
