using Axolotl.Api.Core;
using Axolotl.Api.Policy;
using Axolotl.Scheduler.Framework;
using Axolotl.Scheduler.Plugins;
using Axolotl.Scheduler.Preemption;

namespace Axolotl.Scheduler;

/// <summary>
/// The outcome of one scheduling attempt: the chosen node, or why none fits and, when evicting
/// lower-priority pods would make room, the node and victims preemption chose.
/// </summary>
public sealed record ScheduleResult(string? NodeName, string? FailureMessage, PreemptionCandidate? Preemption = null)
{
    public bool Succeeded => NodeName is not null;
}

/// <summary>
/// What a cycle needs beyond the nodes: the PodDisruptionBudgets preemption respects, the pods nominated
/// to nodes by earlier preemptions (counted on their node for pods of no higher priority, as upstream's
/// RunFilterPluginsWithNominatedPods), and the time (victims not started yet count as starting now).
/// </summary>
public sealed record CycleContext(IReadOnlyList<PodDisruptionBudget> Budgets, IReadOnlyList<Pod> NominatedPods, DateTimeOffset Now)
{
    public static CycleContext Empty { get; } = new([], [], DateTimeOffset.UnixEpoch);
}

/// <summary>
/// One scheduling cycle: run the filters on the nodes (the first failing filter gives the node's reasons; in a
/// cluster of 100 nodes or more only until <see cref="NumFeasibleNodesToFind"/> fit, as upstream), score the nodes
/// that passed with the weighted score plugins, and take the highest total; ties go to the first node searched, in
/// name order from where the search started, so that the choice is reproducible.
/// </summary>
public sealed class SchedulingAlgorithm
{
    public SchedulingAlgorithm(IReadOnlyList<IFilterPlugin> filters, IReadOnlyList<IScorePlugin> scorers)
    {
        Filters = filters;
        Scorers = scorers;
    }

    public IReadOnlyList<IFilterPlugin> Filters { get; }

    public IReadOnlyList<IScorePlugin> Scorers { get; }

    /// <summary>Run once per pod before the filters; the first failure rejects every node with its reason.</summary>
    public IReadOnlyList<IPreFilterPlugin> PreFilters { get; init; } = [];

    /// <summary>Run once per pod after the pre-filters; their states judge each node after <see cref="Filters"/>, in order.</summary>
    public IReadOnlyList<IStatefulFilterPlugin> StatefulFilters { get; init; } = [];

    /// <summary>
    /// The default profile: upstream's filter order with NodeReady after the taints, VolumeBinding (when
    /// given) after NodeAffinity, then PodTopologySpread and InterPodAffinity; and the scores with upstream's weights.
    /// </summary>
    public static SchedulingAlgorithm CreateDefault(VolumeBinding? volumes = null, NamespaceLabels? namespaceLabels = null, DefaultSpreadSelector? defaultSpread = null)
    {
        var interPodAffinity = new InterPodAffinity(namespaceLabels);
        var topologySpread = new PodTopologySpread(defaultSpread);
        IFilterPlugin[] filters = [new NodeUnschedulable(), new NodeName(), new TaintToleration(), new NodeReady(), new Plugins.NodeAffinity(), new NodePorts(), new NodeResourcesFit()];
        return new SchedulingAlgorithm(volumes is null ? filters : [.. filters, volumes], [new LeastAllocated(), new ImageLocality(), topologySpread, interPodAffinity, new Plugins.NodeAffinity()])
        {
            PreFilters = volumes is null ? [] : [volumes],
            StatefulFilters = [topologySpread, interPodAffinity],
        };
    }

    /// <summary>The node-local filters, then the cycle's <paramref name="states"/>; the first failure decides.</summary>
    public FilterResult RunFilters(Pod pod, NodeInfo node, IReadOnlyList<IFilterState> states)
    {
        foreach (var filter in Filters)
        {
            var result = filter.Filter(pod, node);
            if (!result.IsSuccess)
            {
                return result;
            }
        }
        foreach (var state in states)
        {
            var result = state.Filter(node);
            if (!result.IsSuccess)
            {
                return result;
            }
        }
        return FilterResult.Success;
    }

    public ScheduleResult Schedule(Pod pod, IReadOnlyList<NodeInfo> nodes, CycleContext? context = null)
    {
        context ??= CycleContext.Empty;
        if (nodes.Count == 0)
        {
            return new ScheduleResult(null, FailureMessage.NoNodesAvailable);
        }
        // The scheduler's snapshot comes in name order; sorting 1,000 nodes in every cycle was a tenth of one.
        IReadOnlyList<NodeInfo> ordered = nodes is NodeSnapshot ? nodes : nodes.OrderBy(n => n.Name, StringComparer.Ordinal).ToList();
        foreach (var preFilter in PreFilters)
        {
            var verdict = preFilter.PreFilter(pod);
            if (!verdict.IsSuccess)
            {
                return new ScheduleResult(null, FailureMessage.PreFilterRejected(ordered.Count, verdict));
            }
        }
        var states = new List<IFilterState>();
        foreach (var plugin in StatefulFilters)
        {
            if (plugin.PreFilter(pod, ordered) is { } state)
            {
                states.Add(state);
            }
        }
        // Upstream's findNodesThatPassFilters: in a large cluster the filters stop once enough nodes fit, starting where
        // the last cycle stopped, so every node gets its turn; a cluster under 100 nodes is always searched whole.
        var wanted = NumFeasibleNodesToFind(ordered.Count);
        var feasible = new List<NodeInfo>(Math.Min(wanted, ordered.Count));
        // Only the nodes that failed, as upstream's NodeToStatusMap: with none feasible that is every node searched.
        var statuses = new Dictionary<string, FilterResult>(StringComparer.Ordinal);
        var start = wanted < ordered.Count ? _nextStartNodeIndex % ordered.Count : 0;
        var processed = 0;
        while (processed < ordered.Count && feasible.Count < wanted)
        {
            var node = ordered[(start + processed) % ordered.Count];
            processed++;
            var result = RunFilters(pod, WithNominated(pod, node, context), states);
            if (result.IsSuccess)
            {
                feasible.Add(node);
            }
            else
            {
                statuses[node.Name] = result;
            }
        }
        _nextStartNodeIndex = (start + processed) % ordered.Count;
        if (feasible.Count == 0)
        {
            // The node copy the dry run hands over already lacks the victims; the cycle states are told which left.
            var outcome = DefaultPreemption.Preempt(pod, ordered, statuses, context.Budgets, (node, victims) =>
                RunFilters(pod, WithNominated(pod, node, context), [.. states.Select(s => s.Without(node, victims))]), context.Now);
            return new ScheduleResult(null, FailureMessage.Build(ordered.Count, statuses.Values, outcome.Message), outcome.Candidate);
        }
        if (feasible.Count == 1)
        {
            return new ScheduleResult(feasible[0].Name, null);
        }
        var totals = new long[feasible.Count];
        foreach (var scorer in Scorers)
        {
            var scores = scorer.Score(pod, feasible, ordered);
            for (var i = 0; i < totals.Length; i++)
            {
                totals[i] += scores[i] * scorer.Weight;
            }
        }
        var best = 0;
        for (var i = 1; i < totals.Length; i++)
        {
            if (totals[i] > totals[best])
            {
                best = i;
            }
        }
        return new ScheduleResult(feasible[best].Name, null);
    }

    /// <summary>Where the next cycle's search starts (upstream's nextStartNodeIndex); cycles run one at a time.</summary>
    private int _nextStartNodeIndex;

    /// <summary>Below this many nodes every node is searched (upstream's minFeasibleNodesToFind).</summary>
    public const int MinFeasibleNodesToFind = 100;

    /// <summary>
    /// How many feasible nodes a cycle looks for, as kube-scheduler's numFeasibleNodesToFind with the default
    /// percentageOfNodesToScore (adaptive): 50 % less one point per 125 nodes, at least 5 %, and never fewer than 100 nodes.
    /// </summary>
    public static int NumFeasibleNodesToFind(int allNodes)
    {
        if (allNodes < MinFeasibleNodesToFind)
        {
            return allNodes;
        }
        var percentage = Math.Max(5, 50 - allNodes / 125);
        return Math.Max(MinFeasibleNodesToFind, allNodes * percentage / 100);
    }

    /// <summary><paramref name="node"/> with the pods nominated to it of at least the pod's priority (other than the pod itself) counted as if bound.</summary>
    private static NodeInfo WithNominated(Pod pod, NodeInfo node, CycleContext context)
    {
        if (context.NominatedPods.Count == 0)
        {
            return node;
        }
        var priority = PodImportance.Priority(pod);
        var extra = context.NominatedPods.Where(p => p.Status?.NominatedNodeName == node.Name && PodImportance.Priority(p) >= priority
            && p.Metadata.Uid != pod.Metadata.Uid).ToList();
        return extra.Count == 0 ? node : node.With(extra);
    }
}
