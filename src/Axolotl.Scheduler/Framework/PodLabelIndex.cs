using Axolotl.Api.Core;
using Axolotl.Api.Selectors;

namespace Axolotl.Scheduler.Framework;

/// <summary>
/// A node's pods by label pair, so that a selector requiring a label value (<c>group=a</c>, <c>group in (a,b)</c>) is
/// tried only on the pods carrying one of those values. InterPodAffinity's terms and PodTopologySpread's constraints
/// were matched against every pod of every node in each cycle: with 50 pods a node, most of a constrained pod's cycle.
/// </summary>
public sealed class PodLabelIndex
{
    // Key, then value: string keys hash with the runtime's fast ordinal hash, a (key, value) tuple with two randomized ones.
    private readonly Dictionary<string, Dictionary<string, List<Pod>>> _byLabel = new(StringComparer.Ordinal);

    public PodLabelIndex(IEnumerable<Pod> pods)
    {
        foreach (var pod in pods)
        {
            Add(pod);
        }
    }

    public void Add(Pod pod)
    {
        foreach (var (key, value) in pod.Metadata.Labels ?? [])
        {
            if (!_byLabel.TryGetValue(key, out var byValue))
            {
                byValue = new Dictionary<string, List<Pod>>(StringComparer.Ordinal);
                _byLabel[key] = byValue;
            }
            if (!byValue.TryGetValue(value, out var list))
            {
                list = [];
                byValue[value] = list;
            }
            list.Add(pod);
        }
    }

    /// <summary>
    /// The pods <paramref name="selector"/> may match, each once: those holding a value of its narrowest
    /// equality or set requirement, or <paramref name="all"/> when it has none. The caller still matches each.
    /// </summary>
    public IReadOnlyList<Pod> MayMatch(ParsedLabelSelector selector, IReadOnlyList<Pod> all)
    {
        if (selector.MatchesNothing)
        {
            return [];
        }
        IReadOnlyList<Pod>? narrowest = null;
        foreach (var requirement in selector.Requirements)
        {
            if (requirement.Operator is not (SelectionOperator.Equals or SelectionOperator.DoubleEquals or SelectionOperator.In))
            {
                continue;
            }
            // A pod has one value per key, so the lists of a requirement's values never share a pod.
            if (!_byLabel.TryGetValue(requirement.Key, out var byValue))
            {
                return []; // no pod has the key: none can hold a required value
            }
            var candidates = requirement.Values.Count == 1
                ? byValue.GetValueOrDefault(requirement.Values[0]) ?? (IReadOnlyList<Pod>)[]
                : [.. requirement.Values.SelectMany(v => byValue.GetValueOrDefault(v) ?? [])];
            if (narrowest is null || candidates.Count < narrowest.Count)
            {
                narrowest = candidates;
            }
        }
        return narrowest ?? all;
    }
}
