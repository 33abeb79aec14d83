using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Controllers.ReplicaSets;

namespace Axolotl.Controllers.DaemonSets;

/// <summary>Upstream updateDaemonSetStatus: counts over the nodes, looking at the oldest pod of each.</summary>
public static class DaemonSetStatuses
{
    public static DaemonSetStatus Calculate(DaemonSet ds, PodSpec podSpec, IReadOnlyList<Node> nodes, IReadOnlyDictionary<string, List<Pod>> podsByNode,
        string hash, DateTimeOffset now)
    {
        int desired = 0, current = 0, misscheduled = 0, ready = 0, available = 0, updated = 0;
        var minReady = ds.Spec?.MinReadySeconds ?? 0;
        foreach (var node in nodes)
        {
            var (shouldRun, _) = NodeEligibility.Evaluate(node, podSpec);
            var scheduled = podsByNode.TryGetValue(node.Metadata.Name ?? "", out var pods) && pods.Count > 0;
            if (!shouldRun)
            {
                misscheduled += scheduled ? 1 : 0;
                continue;
            }
            desired++;
            if (!scheduled)
            {
                continue;
            }
            current++;
            var pod = DaemonPods.OldestFirst(pods!)[0];
            if (PodState.IsReady(pod))
            {
                ready++;
                available += PodState.IsAvailable(pod, minReady, now) ? 1 : 0;
            }
            updated += DaemonPods.IsUpdated(pod, hash) ? 1 : 0;
        }
        return new DaemonSetStatus
        {
            DesiredNumberScheduled = desired,
            CurrentNumberScheduled = current,
            NumberMisscheduled = misscheduled,
            NumberReady = ready,
            NumberAvailable = available,
            UpdatedNumberScheduled = updated,
            NumberUnavailable = desired - available,
            CollisionCount = ds.Status?.CollisionCount,
            Conditions = ds.Status?.Conditions,
        };
    }

    /// <summary>True when a write is needed: a count changed or the generation was not yet observed.</summary>
    public static bool NeedsUpdate(DaemonSetStatus? current, DaemonSetStatus next, long generation) =>
        current is null
        || current.ObservedGeneration != generation
        || current.DesiredNumberScheduled != next.DesiredNumberScheduled
        || current.CurrentNumberScheduled != next.CurrentNumberScheduled
        || current.NumberMisscheduled != next.NumberMisscheduled
        || current.NumberReady != next.NumberReady
        || (current.NumberAvailable ?? 0) != (next.NumberAvailable ?? 0)
        || (current.UpdatedNumberScheduled ?? 0) != (next.UpdatedNumberScheduled ?? 0)
        || (current.NumberUnavailable ?? 0) != (next.NumberUnavailable ?? 0);

    /// <summary>When the next ready-but-not-yet-available pod becomes available, if any.</summary>
    public static DateTimeOffset? NextAvailability(DaemonSet ds, IEnumerable<Pod> pods, DateTimeOffset now) =>
        pods.Select(p => PodState.BecomesAvailableAt(p, ds.Spec?.MinReadySeconds ?? 0, now)).Where(t => t is not null).Min();
}
