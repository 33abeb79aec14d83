using Axolotl.Api.Core;
using Axolotl.Scheduler.Framework;

namespace Axolotl.Scheduler.Plugins;

/// <summary>
/// spec.nodeSelector (every label must match) and the required node affinity (any term matches; within
/// a term every expression must): In, NotIn, Exists, DoesNotExist, Gt, Lt on labels and metadata.name fields.
/// Score: the weights of the preferred terms a node matches, scaled so that the best node gets 100.
/// </summary>
public sealed class NodeAffinity : IFilterPlugin, IScorePlugin
{
    public const string Reason = "node(s) didn't match Pod's node affinity/selector";

    public string Name => "NodeAffinity";

    /// <summary>Upstream's default profile weight for NodeAffinity's score.</summary>
    public int Weight => 2;

    public FilterResult Filter(Pod pod, NodeInfo node) =>
        Matches(pod, node.Node) ? FilterResult.Success : FilterResult.Unresolvable(Reason);

    public static bool Matches(Pod pod, Node node)
    {
        // Every node is judged per cycle: no empty map is made up for a pod without a selector.
        if (pod.Spec?.NodeSelector is { Count: > 0 } selector)
        {
            var labels = node.Metadata.Labels;
            foreach (var (key, value) in selector)
            {
                if (labels is null || !labels.TryGetValue(key, out var actual) || actual != value)
                {
                    return false;
                }
            }
        }
        // Upstream: an empty term list matches nothing, an empty term matches nothing (shared with PV node affinity and DaemonSets).
        return NodeSelectorMatch.Matches(pod.Spec?.Affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution, node);
    }

    public IReadOnlyList<long> Score(Pod pod, IReadOnlyList<NodeInfo> nodes, IReadOnlyList<NodeInfo> allNodes)
    {
        var preferred = pod.Spec?.Affinity?.NodeAffinity?.PreferredDuringSchedulingIgnoredDuringExecution;
        if (preferred is not { Count: > 0 })
        {
            return new long[nodes.Count];
        }
        var raw = nodes.Select(n => preferred
            .Where(t => t.Weight != 0 && NodeSelectorMatch.Matches(new NodeSelector { NodeSelectorTerms = [t.Preference] }, n.Node))
            .Sum(t => (long)t.Weight)).ToList();
        var max = raw.Max();
        // Upstream's default normalization: the highest node gets 100, all-zero stays zero.
        return [.. raw.Select(s => max == 0 ? 0 : s * IScorePlugin.MaxScore / max)];
    }
}
