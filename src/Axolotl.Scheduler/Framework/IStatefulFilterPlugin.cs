using Axolotl.Api.Core;

namespace Axolotl.Scheduler.Framework;

/// <summary>
/// A filter that judges a node against the pods of the whole cluster (upstream's PreFilter with cycle
/// state): <see cref="PreFilter"/> reads every node once per cycle and keeps what the per-node checks
/// need, so that filtering a node does not scan all pods again. Runs after the node-local filters, as
/// upstream orders PodTopologySpread and InterPodAffinity last.
/// </summary>
public interface IStatefulFilterPlugin
{
    string Name { get; }

    /// <summary>The cycle's state for <paramref name="pod"/>; null when the plugin has nothing to check (upstream's Skip).</summary>
    IFilterState? PreFilter(Pod pod, IReadOnlyList<NodeInfo> nodes);
}

/// <summary>What a <see cref="IStatefulFilterPlugin"/> computed for one pod in one cycle.</summary>
public interface IFilterState
{
    FilterResult Filter(NodeInfo node);

    /// <summary>A copy as if <paramref name="removed"/> had left <paramref name="node"/> (upstream's RemovePod, for the preemption dry run).</summary>
    IFilterState Without(NodeInfo node, IReadOnlyList<Pod> removed);
}
