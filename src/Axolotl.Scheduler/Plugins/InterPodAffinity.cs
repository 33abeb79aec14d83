using Axolotl.Api.Core;
using Axolotl.Scheduler.Framework;

namespace Axolotl.Scheduler.Plugins;

/// <summary>
/// kube-scheduler's InterPodAffinity. Filter: the pod's required affinity terms must each find a
/// matching pod in the node's topology domain (the first pod of a group with affinity to itself may go
/// anywhere with the topology labels), its required anti-affinity terms must find none, and no existing
/// pod's required anti-affinity may match it in that domain. Score: per topology pair, the weights of
/// the pod's preferred terms matched by existing pods (anti-affinity counting against), plus the
/// existing pods' preferred terms and their required affinity (weight 1) that the pod matches; then
/// scaled so that the lowest node gets 0 and the highest 100.
/// </summary>
public sealed class InterPodAffinity(NamespaceLabels? namespaceLabels = null) : IStatefulFilterPlugin, IScorePlugin
{
    public const string AffinityRulesNotMatch = "node(s) didn't match pod affinity rules";

    public const string AntiAffinityRulesNotMatch = "node(s) didn't match pod anti-affinity rules";

    public const string ExistingAntiAffinityRulesNotMatch = "node(s) didn't satisfy existing pods anti-affinity rules";

    /// <summary>Upstream's default hardPodAffinityWeight: an existing pod's required affinity counts this much in scoring.</summary>
    public const int HardPodAffinityWeight = 1;

    private readonly NamespaceLabels _namespaceLabels = namespaceLabels ?? (_ => null);

    // The pod's terms parsed once for its PreFilter and its Score, not once in each (selectors parse with validation).
    private readonly LastPodMemo<PodInfo> _podInfo = new(pod => new PodInfo(pod));

    public string Name => "InterPodAffinity";

    public int Weight => 2;

    public IFilterState? PreFilter(Pod pod, IReadOnlyList<NodeInfo> nodes)
    {
        var info = _podInfo.For(pod);
        var hasTerms = info.RequiredAffinityTerms.Count > 0 || info.RequiredAntiAffinityTerms.Count > 0;
        if (!hasTerms && nodes.All(n => n.PodsWithRequiredAntiAffinity.Count == 0))
        {
            return null;
        }
        var state = new InterPodAffinityState(info, _namespaceLabels);
        foreach (var node in nodes)
        {
            if (hasTerms)
            {
                state.CountIncomingTerms(node);
            }
            // Symmetry: the existing pods whose required anti-affinity the pod would break.
            if (node.PodsWithRequiredAntiAffinity.Count > 0)
            {
                state.CountExistingAntiAffinity(node);
            }
        }
        return state;
    }

    public IReadOnlyList<long> Score(Pod pod, IReadOnlyList<NodeInfo> nodes, IReadOnlyList<NodeInfo> allNodes)
    {
        var info = _podInfo.For(pod);
        var podNamespaceLabels = _namespaceLabels(pod.Metadata.Namespace ?? "");
        var hasPreferences = info.PreferredAffinityTerms.Count > 0 || info.PreferredAntiAffinityTerms.Count > 0;
        var usesNamespaceLabels = info.PreferredAffinityTerms.Concat(info.PreferredAntiAffinityTerms).Any(t => t.UsesNamespaceLabels);
        var scores = new Dictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
        foreach (var node in allNodes)
        {
            var labels = node.Node.Metadata.Labels;
            if (labels is null || labels.Count == 0 || (!hasPreferences && !node.HasScoringAffinityTerms))
            {
                continue;
            }
            if (hasPreferences)
            {
                // Each term on the pods its selector may match only (the node's label index), not on every pod.
                AddPreferred(scores, info.PreferredAffinityTerms, node, usesNamespaceLabels, labels, 1);
                AddPreferred(scores, info.PreferredAntiAffinityTerms, node, usesNamespaceLabels, labels, -1);
            }
            // The existing pods' terms that may select the pod (the node's term index), not every term of every pod.
            if (!node.HasScoringAffinityTerms)
            {
                continue;
            }
            foreach (var (term, kind) in node.AffinityTermsThatMayMatch(pod))
            {
                switch (kind)
                {
                    case AffinityTermKind.RequiredAffinity:
                        Add(scores, term, HardPodAffinityWeight, pod, podNamespaceLabels, labels, 1);
                        break;
                    case AffinityTermKind.PreferredAffinity:
                        Add(scores, term, term.Weight, pod, podNamespaceLabels, labels, 1);
                        break;
                    case AffinityTermKind.PreferredAntiAffinity:
                        Add(scores, term, term.Weight, pod, podNamespaceLabels, labels, -1);
                        break;
                }
            }
        }
        var raw = new long[nodes.Count];
        if (scores.Count == 0)
        {
            return raw; // all equal: Normalize would give 0 everywhere
        }
        for (var n = 0; n < raw.Length; n++)
        {
            raw[n] = NodeScore(scores, nodes[n].Node);
        }
        return Normalize(raw);
    }

    /// <summary>Min-max scaling to 0..100, as upstream's NormalizeScore: all equal gives 0 everywhere.</summary>
    public static IReadOnlyList<long> Normalize(IReadOnlyList<long> raw)
    {
        if (raw.Count == 0)
        {
            return raw;
        }
        var min = raw.Min();
        var difference = raw.Max() - min;
        var normalized = new long[raw.Count];
        for (var i = 0; i < normalized.Length; i++)
        {
            normalized[i] = difference > 0 ? (long)(IScorePlugin.MaxScore * ((double)(raw[i] - min) / difference)) : 0;
        }
        return normalized;
    }

    private static long NodeScore(Dictionary<string, Dictionary<string, long>> scores, Node node)
    {
        long total = 0;
        foreach (var (key, values) in scores)
        {
            if (node.Metadata.Labels?.GetValueOrDefault(key) is { } value)
            {
                total += values.GetValueOrDefault(value);
            }
        }
        return total;
    }

    private void AddPreferred(Dictionary<string, Dictionary<string, long>> scores, IReadOnlyList<AffinityTerm> terms, NodeInfo node,
        bool usesNamespaceLabels, Dictionary<string, string> nodeLabels, int multiplier)
    {
        foreach (var term in terms)
        {
            foreach (var existing in node.PodsThatMayMatch(term.Selector))
            {
                var namespaceLabels = usesNamespaceLabels ? _namespaceLabels(existing.Metadata.Namespace ?? "") : null;
                Add(scores, term, term.Weight, existing, namespaceLabels, nodeLabels, multiplier);
            }
        }
    }

    private static void Add(Dictionary<string, Dictionary<string, long>> scores, IReadOnlyList<AffinityTerm> terms, Pod target,
        IReadOnlyDictionary<string, string>? namespaceLabels, Dictionary<string, string> nodeLabels, int multiplier)
    {
        foreach (var term in terms)
        {
            Add(scores, term, term.Weight, target, namespaceLabels, nodeLabels, multiplier);
        }
    }

    private static void Add(Dictionary<string, Dictionary<string, long>> scores, AffinityTerm term, int weight, Pod target,
        IReadOnlyDictionary<string, string>? namespaceLabels, Dictionary<string, string> nodeLabels, int multiplier)
    {
        if (!term.Matches(target, namespaceLabels) || !nodeLabels.TryGetValue(term.TopologyKey, out var value))
        {
            return;
        }
        if (!scores.TryGetValue(term.TopologyKey, out var values))
        {
            values = new Dictionary<string, long>(StringComparer.Ordinal);
            scores[term.TopologyKey] = values;
        }
        values[value] = values.GetValueOrDefault(value) + ((long)weight * multiplier);
    }
}
