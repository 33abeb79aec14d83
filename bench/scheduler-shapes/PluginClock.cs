using System.Diagnostics;
using Axolotl.Api.Core;
using Axolotl.Scheduler;
using Axolotl.Scheduler.Framework;

namespace Axolotl.Bench.SchedulerShapes;

/// <summary>
/// Wall time per plugin and phase (pre-filter, filter, score), summed over a run: the default profile with each plugin
/// wrapped in a stopwatch. Costs a few timestamps per node and plugin, so the profiled run is measured apart from the
/// unprofiled one.
/// </summary>
public sealed class PluginClock
{
    private readonly Dictionary<string, long> _ticks = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, long> Ticks => _ticks;

    public void Add(string name, long start) =>
        _ticks[name] = _ticks.GetValueOrDefault(name) + (Stopwatch.GetTimestamp() - start);

    public void Clear() => _ticks.Clear();

    /// <summary>The default profile with every plugin timed.</summary>
    public SchedulingAlgorithm Wrap(SchedulingAlgorithm inner) =>
        new([.. inner.Filters.Select(f => new TimedFilter(f, this))], [.. inner.Scorers.Select(s => new TimedScore(s, this))])
        {
            PreFilters = inner.PreFilters,
            StatefulFilters = [.. inner.StatefulFilters.Select(s => new TimedStateful(s, this))],
        };

    private sealed class TimedFilter(IFilterPlugin inner, PluginClock clock) : IFilterPlugin
    {
        public string Name => inner.Name;

        public FilterResult Filter(Pod pod, NodeInfo node)
        {
            var start = Stopwatch.GetTimestamp();
            var result = inner.Filter(pod, node);
            clock.Add(Name + " filter", start);
            return result;
        }
    }

    private sealed class TimedScore(IScorePlugin inner, PluginClock clock) : IScorePlugin
    {
        public string Name => inner.Name;

        public int Weight => inner.Weight;

        public IReadOnlyList<long> Score(Pod pod, IReadOnlyList<NodeInfo> nodes, IReadOnlyList<NodeInfo> allNodes)
        {
            var start = Stopwatch.GetTimestamp();
            var result = inner.Score(pod, nodes, allNodes);
            clock.Add(Name + " score", start);
            return result;
        }
    }

    private sealed class TimedStateful(IStatefulFilterPlugin inner, PluginClock clock) : IStatefulFilterPlugin
    {
        public string Name => inner.Name;

        public IFilterState? PreFilter(Pod pod, IReadOnlyList<NodeInfo> nodes)
        {
            var start = Stopwatch.GetTimestamp();
            var state = inner.PreFilter(pod, nodes);
            clock.Add(Name + " pre-filter", start);
            return state is null ? null : new TimedState(state, Name + " filter", clock);
        }
    }

    private sealed class TimedState(IFilterState inner, string name, PluginClock clock) : IFilterState
    {
        public FilterResult Filter(NodeInfo node)
        {
            var start = Stopwatch.GetTimestamp();
            var result = inner.Filter(node);
            clock.Add(name, start);
            return result;
        }

        public IFilterState Without(NodeInfo node, IReadOnlyList<Pod> removed) => new TimedState(inner.Without(node, removed), name, clock);
    }
}
