using Axolotl.Api.Core;
using Axolotl.Scheduler.Framework;

namespace Axolotl.Scheduler.Plugins;

/// <summary>
/// kube-scheduler's PodTopologySpread. Filter: the pod's DoNotSchedule constraints (<see cref="PodTopologySpreadState"/>).
/// Score: its ScheduleAnyway constraints, or the system defaults when it states none: per node, the
/// matching pods in its domain times log(domains + 2) plus maxSkew - 1, summed over the constraints,
/// then inverted so that the emptiest node gets 100 (nodes missing a key of explicit constraints get 0).
/// The defaults count the pods <paramref name="defaults"/> selects with the pod (its Services' and controller's selectors).
/// </summary>
public sealed class PodTopologySpread(DefaultSpreadSelector? defaults = null) : IStatefulFilterPlugin, IScorePlugin
{
    private readonly DefaultSpreadSelector _defaults = defaults ?? DefaultSpreadSelector.None;

    public const string ConstraintsNotMatch = "node(s) didn't match pod topology spread constraints";

    public const string MissingLabel = "node(s) didn't match pod topology spread constraints (missing required label)";

    public string Name => "PodTopologySpread";

    /// <summary>Upstream weighs PodTopologySpread twice as much as the resource scores.</summary>
    public int Weight => 2;

    public IFilterState? PreFilter(Pod pod, IReadOnlyList<NodeInfo> nodes)
    {
        var constraints = SpreadConstraint.Explicit(pod, "DoNotSchedule");
        return constraints.Count == 0 ? null : new PodTopologySpreadState(pod, constraints, nodes);
    }

    public IReadOnlyList<long> Score(Pod pod, IReadOnlyList<NodeInfo> nodes, IReadOnlyList<NodeInfo> allNodes)
    {
        var explicitAny = pod.Spec?.TopologySpreadConstraints is { Count: > 0 };
        var constraints = explicitAny ? SpreadConstraint.Explicit(pod, "ScheduleAnyway") : SpreadConstraint.SystemDefaults(pod, _defaults.For(pod));
        if (constraints.Count == 0 || nodes.Count == 0)
        {
            return new long[nodes.Count];
        }
        // Explicit constraints need every key on a node; the defaults score nodes by the keys they have.
        var requireAllKeys = explicitAny;
        var ignored = new bool[nodes.Count];
        var pairCounts = new Dictionary<(string Key, string Value), long>();
        var domains = new int[constraints.Count];
        for (var n = 0; n < nodes.Count; n++)
        {
            var node = nodes[n].Node;
            if (requireAllKeys && !SpreadConstraint.HasAllKeys(node, constraints))
            {
                ignored[n] = true;
                continue;
            }
            for (var i = 0; i < constraints.Count; i++)
            {
                if (!constraints[i].IsHostname && pairCounts.TryAdd((constraints[i].TopologyKey, LabelOf(node, constraints[i].TopologyKey)), 0))
                {
                    domains[i]++;
                }
            }
        }
        var scored = nodes.Count - ignored.Count(i => i);
        var weights = constraints.Select((c, i) => Math.Log((c.IsHostname ? scored : domains[i]) + 2)).ToArray();
        foreach (var info in allNodes)
        {
            if (requireAllKeys && !SpreadConstraint.HasAllKeys(info.Node, constraints))
            {
                continue;
            }
            foreach (var constraint in constraints)
            {
                var pair = (constraint.TopologyKey, LabelOf(info.Node, constraint.TopologyKey));
                if (!constraint.IsHostname && pairCounts.ContainsKey(pair) && constraint.Includes(pod, info.Node))
                {
                    pairCounts[pair] += constraint.CountOn(info);
                }
            }
        }
        var raw = new long[nodes.Count];
        for (var n = 0; n < nodes.Count; n++)
        {
            if (ignored[n])
            {
                continue;
            }
            double score = 0;
            for (var i = 0; i < constraints.Count; i++)
            {
                if (nodes[n].Node.Metadata.Labels?.GetValueOrDefault(constraints[i].TopologyKey) is not { } value)
                {
                    continue;
                }
                var count = constraints[i].IsHostname ? constraints[i].CountOn(nodes[n]) : pairCounts[(constraints[i].TopologyKey, value)];
                score += (count * weights[i]) + constraints[i].MaxSkew - 1;
            }
            raw[n] = (long)Math.Round(score, MidpointRounding.AwayFromZero);
        }
        return Normalize(raw, ignored);
    }

    /// <summary>Fewer matching pods score higher: 100 × (max + min - score) / max over the nodes not ignored, 100 everywhere when max is 0.</summary>
    private static long[] Normalize(long[] raw, bool[] ignored)
    {
        long min = long.MaxValue, max = 0;
        for (var n = 0; n < raw.Length; n++)
        {
            if (!ignored[n])
            {
                min = Math.Min(min, raw[n]);
                max = Math.Max(max, raw[n]);
            }
        }
        return [.. raw.Select((s, n) => ignored[n] ? 0 : max == 0 ? IScorePlugin.MaxScore : IScorePlugin.MaxScore * (max + min - s) / max)];
    }

    private static string LabelOf(Node node, string key) => node.Metadata.Labels?.GetValueOrDefault(key) ?? "";
}
