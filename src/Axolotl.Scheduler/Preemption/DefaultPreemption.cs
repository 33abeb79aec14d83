using Axolotl.Api.Core;
using Axolotl.Api.Policy;
using Axolotl.Scheduler.Framework;

namespace Axolotl.Scheduler.Preemption;

/// <summary>What preemption decided after a failed cycle: a node and its victims, or why none (the FitError's "preemption: …" sentence).</summary>
public sealed record PreemptionOutcome(PreemptionCandidate? Candidate, string? Message);

/// <summary>
/// kube-scheduler's DefaultPreemption PostFilter as a pure decision. In order: a pod with
/// preemptionPolicy Never, or one whose nominated node still has a lower-priority pod terminating by
/// preemption (its room is on the way), is not eligible; nodes rejected for unresolvable reasons are "not
/// helpful"; on every other node <see cref="VictimSelection"/> finds the fewest victims that let the pod fit;
/// <see cref="CandidateChoice"/> picks the node. Every node is tried (upstream samples at least 100 nodes
/// or 10%, all of them in clusters of this size).
/// </summary>
public static class DefaultPreemption
{
    public const string TerminatingOnNominatedNode = "not eligible due to a terminating pod on the nominated node.";

    /// <param name="fits">The filters on a node with some pods taken off (the node copy and the pods removed).</param>
    public static PreemptionOutcome Preempt(Pod pod, IReadOnlyList<NodeInfo> nodes, IReadOnlyDictionary<string, FilterResult> statuses,
        IReadOnlyList<PodDisruptionBudget> budgets, Func<NodeInfo, IReadOnlyList<Pod>, FilterResult> fits, DateTimeOffset now)
    {
        if (NotEligible(pod, nodes, statuses) is { } reason)
        {
            return new PreemptionOutcome(null, "preemption: " + reason);
        }
        var candidates = new List<PreemptionCandidate>();
        var results = new List<FilterResult>();
        foreach (var node in nodes)
        {
            var status = statuses.GetValueOrDefault(node.Name) ?? FilterResult.Success;
            if (status.Code == FilterCode.UnschedulableAndUnresolvable)
            {
                results.Add(FilterResult.Unresolvable(FailureMessage.PreemptionNotHelpful));
                continue;
            }
            var (candidate, verdict) = VictimSelection.Select(pod, node, budgets, fits, now);
            if (candidate is not null)
            {
                candidates.Add(candidate);
            }
            results.Add(verdict);
        }
        return CandidateChoice.Pick(candidates, now) is { } chosen
            ? new PreemptionOutcome(chosen, null)
            : new PreemptionOutcome(null, "preemption: " + FailureMessage.Build(nodes.Count, results.Where(r => !r.IsSuccess), null));
    }

    /// <summary>Upstream's PodEligibleToPreemptOthers: null when the pod may preempt, else the reason.</summary>
    public static string? NotEligible(Pod pod, IReadOnlyList<NodeInfo> nodes, IReadOnlyDictionary<string, FilterResult> statuses)
    {
        if (pod.Spec?.PreemptionPolicy == "Never")
        {
            return FailureMessage.PreemptionPolicyNever;
        }
        if (pod.Status?.NominatedNodeName is not { Length: > 0 } nominated
            || statuses.GetValueOrDefault(nominated)?.Code == FilterCode.UnschedulableAndUnresolvable)
        {
            // Nothing nominated, or the nominated node can no longer take the pod: preempt afresh.
            return null;
        }
        var priority = PodImportance.Priority(pod);
        var node = nodes.FirstOrDefault(n => n.Name == nominated);
        return node?.Pods.Any(p => PodImportance.Priority(p) < priority && PodImportance.IsTerminatingByPreemption(p)) == true
            ? TerminatingOnNominatedNode
            : null;
    }
}
