using Axolotl.Api.Core;

namespace Axolotl.Scheduler.Framework;

/// <summary>Ranks the nodes that passed every filter: one score from 0 to <see cref="MaxScore"/> per node, in order.</summary>
public interface IScorePlugin
{
    const long MaxScore = 100;

    string Name { get; }

    /// <summary>How much this plugin counts against the others (upstream's default profile weights).</summary>
    int Weight { get; }

    IReadOnlyList<long> Score(Pod pod, IReadOnlyList<NodeInfo> nodes);
}
