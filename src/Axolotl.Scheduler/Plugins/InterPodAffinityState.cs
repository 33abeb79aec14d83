using Axolotl.Api.Core;
using Axolotl.Scheduler.Framework;

namespace Axolotl.Scheduler.Plugins;

/// <summary>
/// InterPodAffinity's pre-filter state for one pod: per topology pair, how many existing pods match each
/// of its required affinity terms (counted only where a pod matches them all), how many match its
/// required anti-affinity terms, and how many existing pods' required anti-affinity terms the pod
/// itself matches. Filtering a node then only looks up the node's label values.
/// </summary>
public sealed class InterPodAffinityState : IFilterState
{
    private readonly PodInfo _pod;
    private readonly IReadOnlyDictionary<string, string>? _podNamespaceLabels;
    private readonly NamespaceLabels _namespaceLabels;
    private readonly TopologyCounts _affinity;
    private readonly TopologyCounts _antiAffinity;
    private readonly TopologyCounts _existingAntiAffinity;

    public InterPodAffinityState(PodInfo pod, NamespaceLabels namespaceLabels)
        : this(pod, namespaceLabels, new TopologyCounts(), new TopologyCounts(), new TopologyCounts())
    {
    }

    private InterPodAffinityState(PodInfo pod, NamespaceLabels namespaceLabels, TopologyCounts affinity, TopologyCounts antiAffinity, TopologyCounts existingAntiAffinity)
    {
        _pod = pod;
        _namespaceLabels = namespaceLabels;
        _podNamespaceLabels = namespaceLabels(pod.Pod.Metadata.Namespace ?? "");
        _affinity = affinity;
        _antiAffinity = antiAffinity;
        _existingAntiAffinity = existingAntiAffinity;
    }

    /// <summary>Counts the existing pod's required anti-affinity terms that match the pod (with -1: no longer).</summary>
    public void CountExistingAntiAffinity(PodInfo existing, Node node, long multiplier) =>
        UpdateAnti(_existingAntiAffinity, existing.RequiredAntiAffinityTerms, _pod.Pod, _podNamespaceLabels, node, multiplier);

    /// <summary>
    /// Counts the required anti-affinity terms of <paramref name="node"/>'s pods that match the pod, as
    /// <see cref="CountExistingAntiAffinity(PodInfo, Node, long)"/> on each would, trying only the terms that may select it.
    /// </summary>
    public void CountExistingAntiAffinity(NodeInfo node)
    {
        foreach (var (term, kind) in node.AffinityTermsThatMayMatch(_pod.Pod))
        {
            if (kind == AffinityTermKind.RequiredAntiAffinity)
            {
                UpdateAnti(_existingAntiAffinity, [term], _pod.Pod, _podNamespaceLabels, node.Node, 1);
            }
        }
    }

    /// <summary>Counts <paramref name="existing"/>, on <paramref name="node"/>, against the pod's own required terms (with -1: no longer).</summary>
    public void CountIncomingTerms(Pod existing, Node node, long multiplier)
    {
        if (_pod.RequiredAffinityTerms.Count == 0 && _pod.RequiredAntiAffinityTerms.Count == 0)
        {
            return;
        }
        var labels = NamespaceLabelsFor(existing, _pod.RequiredAffinityTerms, _pod.RequiredAntiAffinityTerms);
        CountIncomingAffinity(existing, labels, node, multiplier);
        UpdateAnti(_antiAffinity, _pod.RequiredAntiAffinityTerms, existing, labels, node, multiplier);
    }

    /// <summary>
    /// Counts every pod on <paramref name="node"/> against the pod's own required terms, as <see cref="CountIncomingTerms(Pod, Node, long)"/>
    /// on each would, but trying each term only on the pods its selector may match (<see cref="NodeInfo.PodsThatMayMatch"/>).
    /// </summary>
    public void CountIncomingTerms(NodeInfo node)
    {
        if (_pod.RequiredAffinityTerms.Count > 0)
        {
            // A pod counts for affinity only when it matches every term: the first term's candidates hold them all.
            foreach (var existing in node.PodsThatMayMatch(_pod.RequiredAffinityTerms[0].Selector))
            {
                CountIncomingAffinity(existing, NamespaceLabelsFor(existing, _pod.RequiredAffinityTerms, _pod.RequiredAntiAffinityTerms), node.Node, 1);
            }
        }
        foreach (var term in _pod.RequiredAntiAffinityTerms)
        {
            foreach (var existing in node.PodsThatMayMatch(term.Selector))
            {
                UpdateAnti(_antiAffinity, [term], existing, NamespaceLabelsFor(existing, _pod.RequiredAffinityTerms, _pod.RequiredAntiAffinityTerms), node.Node, 1);
            }
        }
    }

    private void CountIncomingAffinity(Pod existing, IReadOnlyDictionary<string, string>? labels, Node node, long multiplier)
    {
        if (_pod.RequiredAffinityTerms.Count > 0 && _pod.RequiredAffinityTerms.All(t => t.Matches(existing, labels)))
        {
            foreach (var term in _pod.RequiredAffinityTerms)
            {
                if (node.Metadata.Labels?.GetValueOrDefault(term.TopologyKey) is { } value)
                {
                    _affinity.Add(term.TopologyKey, value, multiplier);
                }
            }
        }
    }

    public FilterResult Filter(NodeInfo node)
    {
        if (!SatisfiesPodAffinity(node.Node))
        {
            return FilterResult.Unresolvable(InterPodAffinity.AffinityRulesNotMatch);
        }
        if (!SatisfiesPodAntiAffinity(node.Node))
        {
            return FilterResult.Unschedulable(InterPodAffinity.AntiAffinityRulesNotMatch);
        }
        if (!SatisfiesExistingPodsAntiAffinity(node.Node))
        {
            return FilterResult.Unschedulable(InterPodAffinity.ExistingAntiAffinityRulesNotMatch);
        }
        return FilterResult.Success;
    }

    public IFilterState Without(NodeInfo node, IReadOnlyList<Pod> removed)
    {
        var copy = new InterPodAffinityState(_pod, _namespaceLabels, _affinity.Clone(), _antiAffinity.Clone(), _existingAntiAffinity.Clone());
        foreach (var pod in removed)
        {
            if (PodInfo.HasPodAffinity(pod))
            {
                copy.CountExistingAntiAffinity(new PodInfo(pod), node.Node, -1);
            }
            copy.CountIncomingTerms(pod, node.Node, -1);
        }
        return copy;
    }

    private bool SatisfiesPodAffinity(Node node)
    {
        var podsExist = true;
        foreach (var term in _pod.RequiredAffinityTerms)
        {
            if (node.Metadata.Labels?.GetValueOrDefault(term.TopologyKey) is not { } value)
            {
                return false; // every topology key must be on the node
            }
            if (_affinity[term.TopologyKey, value] <= 0)
            {
                podsExist = false;
            }
        }
        // The first pod of a group with affinity to itself: no pod anywhere matches, but it matches its own terms.
        return podsExist || (_affinity.Count == 0 && _pod.RequiredAffinityTerms.All(t => t.Matches(_pod.Pod, _podNamespaceLabels)));
    }

    private bool SatisfiesPodAntiAffinity(Node node)
    {
        if (_antiAffinity.Count == 0)
        {
            return true;
        }
        foreach (var term in _pod.RequiredAntiAffinityTerms)
        {
            if (node.Metadata.Labels?.GetValueOrDefault(term.TopologyKey) is { } value && _antiAffinity[term.TopologyKey, value] > 0)
            {
                return false;
            }
        }
        return true;
    }

    private bool SatisfiesExistingPodsAntiAffinity(Node node)
    {
        if (_existingAntiAffinity.Count == 0)
        {
            return true;
        }
        foreach (var (key, value) in node.Metadata.Labels ?? [])
        {
            if (_existingAntiAffinity[key, value] > 0)
            {
                return false;
            }
        }
        return true;
    }

    private static void UpdateAnti(TopologyCounts counts, IReadOnlyList<AffinityTerm> terms, Pod target, IReadOnlyDictionary<string, string>? namespaceLabels, Node node, long multiplier)
    {
        foreach (var term in terms)
        {
            if (term.Matches(target, namespaceLabels) && node.Metadata.Labels?.GetValueOrDefault(term.TopologyKey) is { } value)
            {
                counts.Add(term.TopologyKey, value, multiplier);
            }
        }
    }

    /// <summary>The labels of <paramref name="pod"/>'s namespace, looked up only when a term has a namespaceSelector.</summary>
    private IReadOnlyDictionary<string, string>? NamespaceLabelsFor(Pod pod, IReadOnlyList<AffinityTerm> a, IReadOnlyList<AffinityTerm> b) =>
        a.Any(t => t.UsesNamespaceLabels) || b.Any(t => t.UsesNamespaceLabels) ? _namespaceLabels(pod.Metadata.Namespace ?? "") : null;
}
