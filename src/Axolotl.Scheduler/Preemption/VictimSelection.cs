using Axolotl.Api.Core;
using Axolotl.Api.Policy;
using Axolotl.Scheduler.Framework;

namespace Axolotl.Scheduler.Preemption;

/// <summary>
/// Upstream's SelectVictimsOnNode: take every pod of lower priority off the node; if the pod still does
/// not fit, the node is no candidate (the filters say why). Otherwise give the would-be victims back one at
/// a time, most important first, those whose eviction would break a PodDisruptionBudget before the others,
/// keeping each that leaves the pod fitting: what is not given back are the victims.
/// </summary>
public static class VictimSelection
{
    /// <param name="fits">The filters on a node with the pod's cycle state (upstream's RunFilterPluginsWithNominatedPods).</param>
    public static (PreemptionCandidate? Candidate, FilterResult Status) Select(Pod pod, NodeInfo node, IReadOnlyList<PodDisruptionBudget> budgets,
        Func<NodeInfo, IReadOnlyList<Pod>, FilterResult> fits, DateTimeOffset now)
    {
        var priority = PodImportance.Priority(pod);
        var potential = node.Pods.Where(p => PodImportance.Priority(p) < priority).ToList();
        if (potential.Count == 0)
        {
            return (null, FilterResult.Unresolvable(FailureMessage.NoPreemptionVictims));
        }
        var removed = new HashSet<Pod>(potential, ReferenceEqualityComparer.Instance);
        var withoutAll = fits(node.Without(removed.Contains), [.. removed]);
        if (!withoutAll.IsSuccess)
        {
            return (null, withoutAll);
        }
        potential.Sort(PodImportance.MostImportantFirst(now));
        var (violating, nonViolating) = DisruptionBudgetCheck.Split(potential, budgets);
        var victims = new List<Pod>();
        var violations = 0;
        foreach (var candidate in violating.Concat(nonViolating))
        {
            removed.Remove(candidate);
            if (!fits(node.Without(removed.Contains), [.. removed]).IsSuccess)
            {
                removed.Add(candidate);
                victims.Add(candidate);
                if (violating.Contains(candidate))
                {
                    violations++;
                }
            }
        }
        return (new PreemptionCandidate(node, victims, violations), FilterResult.Success);
    }
}
