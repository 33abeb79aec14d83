using Axolotl.Api.Core;

namespace Axolotl.Scheduler.Framework;

/// <summary>Ranks the nodes that passed every filter: one score from 0 to <see cref="MaxScore"/> per node, in order.</summary>
public interface IScorePlugin
{
    const long MaxScore = 100;

    string Name { get; }

    /// <summary>How much this plugin counts against the others (upstream's default profile weights).</summary>
    int Weight { get; }

    /// <summary>
    /// Scores <paramref name="nodes"/> (those that passed the filters); <paramref name="allNodes"/> is every
    /// node of the cycle, for plugins that count pods across the cluster (upstream's PreScore).
    /// </summary>
    IReadOnlyList<long> Score(Pod pod, IReadOnlyList<NodeInfo> nodes, IReadOnlyList<NodeInfo> allNodes);
}
