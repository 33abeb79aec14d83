using Axolotl.Api.Core;
using Axolotl.Scheduler.Framework;

namespace Axolotl.Scheduler.Plugins;

/// <summary>
/// spec.nodeSelector (every label must match) and the required node affinity (any term matches; within
/// a term every expression must): In, NotIn, Exists, DoesNotExist, Gt, Lt on labels and metadata.name fields.
/// </summary>
public sealed class NodeAffinity : IFilterPlugin
{
    public const string Reason = "node(s) didn't match Pod's node affinity/selector";

    public string Name => "NodeAffinity";

    public FilterResult Filter(Pod pod, NodeInfo node) =>
        Matches(pod, node.Node) ? FilterResult.Success : FilterResult.Unresolvable(Reason);

    public static bool Matches(Pod pod, Node node)
    {
        var labels = node.Metadata.Labels ?? [];
        foreach (var (key, value) in pod.Spec?.NodeSelector ?? [])
        {
            if (!labels.TryGetValue(key, out var actual) || actual != value)
            {
                return false;
            }
        }
        // Upstream: an empty term list matches nothing, an empty term matches nothing (shared with PV node affinity and DaemonSets).
        return NodeSelectorMatch.Matches(pod.Spec?.Affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution, node);
    }
}
