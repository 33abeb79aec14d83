using Axolotl.Api.Core;
using Axolotl.Scheduler.Framework;

namespace Axolotl.Scheduler.Plugins;

/// <summary>
/// Spreads replicas: counts, per node, the pods of the same set as the pod (same controller owner; for
/// a pod without one, pods in its namespace carrying all of its labels) and gives the emptiest node 100
/// and the fullest 0, as upstream's selector spreading does by hostname.
/// </summary>
public sealed class PodSpread : IScorePlugin
{
    public string Name => "PodSpread";

    /// <summary>Upstream weighs PodTopologySpread twice as much as the resource scores.</summary>
    public int Weight => 2;

    public IReadOnlyList<long> Score(Pod pod, IReadOnlyList<NodeInfo> nodes, IReadOnlyList<NodeInfo> allNodes)
    {
        var counts = nodes.Select(n => (long)n.Pods.Count(other => SameSet(pod, other))).ToList();
        var max = counts.Count == 0 ? 0 : counts.Max();
        return counts.Select(c => max == 0 ? IScorePlugin.MaxScore : (max - c) * IScorePlugin.MaxScore / max).ToList();
    }

    public static bool SameSet(Pod pod, Pod other)
    {
        if (pod.Metadata.Namespace != other.Metadata.Namespace || (pod.Metadata.Uid is { } uid && uid == other.Metadata.Uid))
        {
            return false;
        }
        var owner = pod.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true);
        if (owner is not null)
        {
            return other.Metadata.OwnerReferences?.Any(o => o.Controller == true && o.Uid == owner.Uid) == true;
        }
        var labels = pod.Metadata.Labels;
        if (labels is null || labels.Count == 0)
        {
            return false;
        }
        var otherLabels = other.Metadata.Labels;
        return otherLabels is not null && labels.All(p => otherLabels.TryGetValue(p.Key, out var v) && v == p.Value);
    }
}
