using Axolotl.Api.Core;
using Axolotl.Scheduler.Framework;

namespace Axolotl.Scheduler.Plugins;

/// <summary>
/// PodTopologySpread's pre-filter state for one pod: for each DoNotSchedule constraint, the matching
/// pods per domain over the eligible nodes (those with every topology key that pass the inclusion
/// policies) and the smallest such count (the global minimum). A node fits when its domain's count, plus
/// one if the pod matches itself, minus the minimum is at most maxSkew.
/// </summary>
public sealed class PodTopologySpreadState : IFilterState
{
    private readonly Pod _pod;
    private readonly IReadOnlyList<SpreadConstraint> _constraints;
    private readonly Dictionary<string, long>[] _counts;
    private readonly long[] _minimum;

    public PodTopologySpreadState(Pod pod, IReadOnlyList<SpreadConstraint> constraints, IReadOnlyList<NodeInfo> nodes)
    {
        _pod = pod;
        _constraints = constraints;
        _counts = [.. constraints.Select(_ => new Dictionary<string, long>(StringComparer.Ordinal))];
        foreach (var node in nodes)
        {
            if (!SpreadConstraint.HasAllKeys(node.Node, constraints))
            {
                continue;
            }
            for (var i = 0; i < constraints.Count; i++)
            {
                if (constraints[i].Includes(pod, node.Node))
                {
                    var value = node.Node.Metadata.Labels![constraints[i].TopologyKey];
                    _counts[i][value] = _counts[i].GetValueOrDefault(value) + constraints[i].CountOn(node);
                }
            }
        }
        _minimum = new long[constraints.Count];
        UpdateMinimum();
    }

    private PodTopologySpreadState(PodTopologySpreadState source)
    {
        _pod = source._pod;
        _constraints = source._constraints;
        _counts = [.. source._counts.Select(c => new Dictionary<string, long>(c, StringComparer.Ordinal))];
        _minimum = new long[_constraints.Count];
    }

    public FilterResult Filter(NodeInfo node)
    {
        var labels = node.Node.Metadata.Labels;
        for (var i = 0; i < _constraints.Count; i++)
        {
            var constraint = _constraints[i];
            if (labels?.GetValueOrDefault(constraint.TopologyKey) is not { } value)
            {
                return FilterResult.Unresolvable(PodTopologySpread.MissingLabel);
            }
            var minimum = _counts[i].Count < constraint.MinDomains ? 0 : _minimum[i];
            var skew = _counts[i].GetValueOrDefault(value) + (constraint.SelfMatch ? 1 : 0) - minimum;
            if (skew > constraint.MaxSkew)
            {
                return FilterResult.Unschedulable(PodTopologySpread.ConstraintsNotMatch);
            }
        }
        return FilterResult.Success;
    }

    public IFilterState Without(NodeInfo node, IReadOnlyList<Pod> removed)
    {
        var copy = new PodTopologySpreadState(this);
        if (SpreadConstraint.HasAllKeys(node.Node, _constraints))
        {
            for (var i = 0; i < _constraints.Count; i++)
            {
                if (_constraints[i].Includes(_pod, node.Node))
                {
                    var value = node.Node.Metadata.Labels![_constraints[i].TopologyKey];
                    copy._counts[i][value] -= removed.Count(_constraints[i].Counts);
                }
            }
        }
        copy.UpdateMinimum();
        return copy;
    }

    private void UpdateMinimum()
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            // No eligible domain at all: nothing to be uneven against.
            _minimum[i] = _counts[i].Count == 0 ? int.MaxValue : _counts[i].Values.Min();
        }
    }
}
