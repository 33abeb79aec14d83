using Axolotl.Api.Core;
using Axolotl.Controllers.DaemonSets;

namespace Axolotl.Controllers.NodeLifecycle;

/// <summary>
/// Upstream's taint-eviction (NoExecuteTaintManager) decision for one pod: a pod that does not tolerate
/// every NoExecute taint of its node goes at once; one that tolerates them all goes when the shortest
/// tolerationSeconds among the tolerations used runs out, counted from when the taint was added;
/// tolerations without tolerationSeconds keep it forever.
/// </summary>
public static class TaintEviction
{
    /// <summary>When the pod must be evicted, or null when never.</summary>
    public static DateTimeOffset? EvictAt(Pod pod, IEnumerable<Taint> nodeTaints, DateTimeOffset now)
    {
        var noExecute = nodeTaints.Where(t => t.Effect == "NoExecute").ToList();
        if (noExecute.Count == 0)
        {
            return null;
        }
        var tolerations = pod.Spec?.Tolerations ?? [];
        DateTimeOffset? at = null;
        foreach (var taint in noExecute)
        {
            var used = tolerations.Where(t => TaintMatch.Tolerates(t, taint)).ToList();
            if (used.Count == 0)
            {
                return now;
            }
            if (used.Any(t => t.TolerationSeconds is null))
            {
                // Upstream takes the minimum over the tolerations used; one without a limit means forever only if all are.
                used = used.Where(t => t.TolerationSeconds is not null).ToList();
                if (used.Count == 0)
                {
                    continue;
                }
            }
            var seconds = Math.Max(0, used.Min(t => t.TolerationSeconds!.Value));
            var deadline = (taint.TimeAdded ?? now).AddSeconds(seconds);
            at = at is null || deadline < at ? deadline : at;
        }
        return at;
    }
}
