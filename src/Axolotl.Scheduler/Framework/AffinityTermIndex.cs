using Axolotl.Api.Selectors;

namespace Axolotl.Scheduler.Framework;

/// <summary>
/// The affinity terms of a node's pods, each filed under the label pairs its selector's first equality or set
/// requirement names (<c>group=a</c>: under group/a), so that an incoming pod's labels find the terms that may select it
/// without trying all of them. The symmetric half of InterPodAffinity (existing pods' terms matched against the
/// incoming pod) tried every term of every pod with affinity in each cycle. Terms without such a requirement are always
/// returned; a term whose selector matches nothing never is. The caller still matches each term in full.
/// </summary>
public sealed class AffinityTermIndex
{
    // Key, then value: string keys hash with the runtime's fast ordinal hash, a (key, value) tuple with two randomized ones.
    private readonly Dictionary<string, Dictionary<string, List<ExistingAffinityTerm>>> _byLabel = new(StringComparer.Ordinal);
    private readonly List<ExistingAffinityTerm> _unindexed = [];

    public AffinityTermIndex(IEnumerable<PodInfo> pods)
    {
        foreach (var pod in pods)
        {
            Add(pod);
        }
    }

    public void Add(PodInfo pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        Add(pod.RequiredAffinityTerms, AffinityTermKind.RequiredAffinity);
        Add(pod.RequiredAntiAffinityTerms, AffinityTermKind.RequiredAntiAffinity);
        Add(pod.PreferredAffinityTerms, AffinityTermKind.PreferredAffinity);
        Add(pod.PreferredAntiAffinityTerms, AffinityTermKind.PreferredAntiAffinity);
    }

    /// <summary>The terms that may select a pod labelled <paramref name="labels"/>, each once.</summary>
    public IEnumerable<ExistingAffinityTerm> MayMatch(IReadOnlyDictionary<string, string>? labels)
    {
        foreach (var term in _unindexed)
        {
            yield return term;
        }
        if (labels is null || _byLabel.Count == 0)
        {
            yield break;
        }
        // A term is filed under one key, and a pod has one value per key: it comes out at most once. The index holds few
        // keys (those the terms name), so the pod's label is looked up for each rather than each of its labels in the index.
        foreach (var (key, byValue) in _byLabel)
        {
            if (labels.TryGetValue(key, out var value) && byValue.TryGetValue(value, out var terms))
            {
                foreach (var term in terms)
                {
                    yield return term;
                }
            }
        }
    }

    private void Add(IReadOnlyList<AffinityTerm> terms, AffinityTermKind kind)
    {
        foreach (var term in terms)
        {
            Add(new ExistingAffinityTerm(term, kind));
        }
    }

    private void Add(ExistingAffinityTerm entry)
    {
        var selector = entry.Term.Selector;
        if (selector.MatchesNothing)
        {
            return;
        }
        foreach (var requirement in selector.Requirements)
        {
            if (requirement.Operator is SelectionOperator.Equals or SelectionOperator.DoubleEquals or SelectionOperator.In)
            {
                if (!_byLabel.TryGetValue(requirement.Key, out var byValue))
                {
                    byValue = new Dictionary<string, List<ExistingAffinityTerm>>(StringComparer.Ordinal);
                    _byLabel[requirement.Key] = byValue;
                }
                foreach (var value in requirement.Values)
                {
                    if (!byValue.TryGetValue(value, out var list))
                    {
                        list = [];
                        byValue[value] = list;
                    }
                    list.Add(entry);
                }
                return;
            }
        }
        _unindexed.Add(entry);
    }
}
