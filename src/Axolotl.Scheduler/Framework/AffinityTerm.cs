using Axolotl.Api.Core;
using Axolotl.Api.Selectors;

namespace Axolotl.Scheduler.Framework;

/// <summary>
/// A parsed pod (anti-)affinity term (upstream's framework.AffinityTerm): the namespaces it names (its
/// pod's own namespace when it names none and has no namespaceSelector), the namespaceSelector (none
/// matches nothing, an empty one every namespace), the label selector (none matches nothing) and the
/// topology key; <see cref="Weight"/> for a preferred term.
/// </summary>
public sealed class AffinityTerm
{
    public AffinityTerm(Pod owner, PodAffinityTerm term, int weight = 0)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(term);
        Namespaces = term.Namespaces is { Count: > 0 } names || term.NamespaceSelector is not null
            ? new HashSet<string>(term.Namespaces ?? [], StringComparer.Ordinal)
            : new HashSet<string>(StringComparer.Ordinal) { owner.Metadata.Namespace ?? "" };
        NamespaceSelector = Parse(term.NamespaceSelector);
        Selector = Parse(term.LabelSelector);
        TopologyKey = term.TopologyKey;
        Weight = weight;
    }

    public IReadOnlySet<string> Namespaces { get; }

    public ParsedLabelSelector NamespaceSelector { get; }

    public ParsedLabelSelector Selector { get; }

    public string TopologyKey { get; }

    public int Weight { get; }

    /// <summary>Whether the namespaceSelector needs the labels of the other pod's namespace at all.</summary>
    public bool UsesNamespaceLabels => !NamespaceSelector.MatchesNothing;

    /// <summary>
    /// Whether <paramref name="pod"/> is one of the pods the term means: in a named namespace or one
    /// whose labels (<paramref name="namespaceLabels"/>) the namespaceSelector matches, and labelled as the selector asks.
    /// </summary>
    public bool Matches(Pod pod, IReadOnlyDictionary<string, string>? namespaceLabels) =>
        (Namespaces.Contains(pod.Metadata.Namespace ?? "") || NamespaceSelector.Matches(namespaceLabels))
        && Selector.Matches(pod.Metadata.Labels);

    // The API server validates selectors; one it let through unparsable selects nothing rather than failing the cycle.
    private static ParsedLabelSelector Parse(LabelSelector? selector)
    {
        try
        {
            return ParsedLabelSelector.FromModel(selector);
        }
        catch (FormatException)
        {
            return ParsedLabelSelector.Nothing;
        }
    }
}
