using Axolotl.Api.Core;

namespace Axolotl.Controllers.DaemonSets;

/// <summary>
/// Upstream NodeShouldRunDaemonPod: whether a node should run a DaemonSet's pod (its node selector and
/// required node affinity match, and it tolerates the node's NoSchedule and NoExecute taints), and
/// whether a pod already there may stay (only untolerated NoExecute taints or a lost affinity evict).
/// Readiness and cordoning are not checked here: the daemon pod tolerates them.
/// </summary>
public static class NodeEligibility
{
    public static (bool ShouldRun, bool ShouldContinueRunning) Evaluate(Node node, PodSpec podSpec)
    {
        if (!MatchesNodeSelector(podSpec, node))
        {
            return (false, false);
        }
        var taints = node.Spec?.Taints ?? [];
        var shouldRun = true;
        foreach (var taint in taints)
        {
            if (taint.Effect is not ("NoSchedule" or "NoExecute") || TaintMatch.AnyTolerates(podSpec.Tolerations, taint))
            {
                continue;
            }
            if (taint.Effect == "NoExecute")
            {
                return (false, false);
            }
            shouldRun = false;
        }
        return (shouldRun, true);
    }

    /// <summary>spec.nodeSelector (every label) and the required node affinity (any term; within a term every requirement).</summary>
    public static bool MatchesNodeSelector(PodSpec spec, Node node)
    {
        var labels = node.Metadata.Labels ?? [];
        foreach (var (key, value) in spec.NodeSelector ?? [])
        {
            if (!labels.TryGetValue(key, out var actual) || actual != value)
            {
                return false;
            }
        }
        // The same required node selector a PersistentVolume's node affinity is matched with.
        return NodeSelectorMatch.Matches(spec.Affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution, node);
    }
}
