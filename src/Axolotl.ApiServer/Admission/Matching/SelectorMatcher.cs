using Axolotl.Api.Core;
using Axolotl.Api.Selectors;

namespace Axolotl.ApiServer.Admission.Matching;

/// <summary>
/// A webhook's or a policy's namespaceSelector and objectSelector (upstream's namespace and object matchers): the
/// namespace's labels (a Namespace's own for its create/update; cluster-scoped objects are not selected on), the new
/// or the old object's labels. Callers check selectors after rules, so the namespace is read only for requests that
/// might match.
/// </summary>
public static class SelectorMatcher
{
    /// <summary>Whether <paramref name="namespaceSelector"/> lets the request through; <paramref name="namespaceLabels"/> is read only when it matters.</summary>
    public static async Task<bool> NamespaceMatchesAsync(LabelSelector? namespaceSelector, RequestFacts request, Func<Task<IReadOnlyDictionary<string, string>?>> namespaceLabels)
    {
        var selector = ParsedLabelSelector.FromModel(namespaceSelector ?? new LabelSelector());
        if (selector.IsEmpty)
        {
            return true;
        }
        // A cluster-scoped object other than a Namespace has no namespace to select on: the selector does not apply.
        if (request.Namespace.Length == 0 && !request.IsNamespaceObject)
        {
            return true;
        }
        // A Namespace being created or updated is judged by its own (new) labels.
        if (request.IsNamespaceObject && request.Subresource.Length == 0 && request.Operation is "CREATE" or "UPDATE")
        {
            return selector.Matches(request.ObjectLabels);
        }
        return selector.Matches(await namespaceLabels());
    }

    public static bool ObjectMatches(LabelSelector? objectSelector, RequestFacts request)
    {
        var selector = ParsedLabelSelector.FromModel(objectSelector ?? new LabelSelector());
        if (selector.IsEmpty)
        {
            return true;
        }
        return (request.ObjectLabels is not null && selector.Matches(request.ObjectLabels)) ||
               (request.OldObjectLabels is not null && selector.Matches(request.OldObjectLabels));
    }
}
