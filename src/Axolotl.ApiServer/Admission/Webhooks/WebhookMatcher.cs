using Axolotl.Api.AdmissionRegistration;
using Axolotl.Api.Selectors;

namespace Axolotl.ApiServer.Admission.Webhooks;

/// <summary>
/// Whether a webhook is called for a request (upstream's ShouldCallHook): one of its rules covers it, the
/// namespace's labels match its namespaceSelector, and the new or the old object's labels match its
/// objectSelector. Selectors are checked only after the rules, so the namespace is read only for
/// requests a webhook might get. matchPolicy Equivalent is matched as Exact: every resource here is
/// served in one version, except autoscaling's HorizontalPodAutoscaler (v1 and v2).
/// </summary>
public static class WebhookMatcher
{
    public static bool RulesMatch(Webhook hook, WebhookRequestFacts request) =>
        (hook.Rules ?? []).Any(rule => WebhookRuleMatcher.Matches(rule, request));

    /// <summary>Whether the namespaceSelector lets the request through; <paramref name="namespaceLabels"/> is read only when it matters.</summary>
    public static async Task<bool> NamespaceMatchesAsync(Webhook hook, WebhookRequestFacts request, Func<Task<IReadOnlyDictionary<string, string>?>> namespaceLabels)
    {
        var selector = ParsedLabelSelector.FromModel(hook.NamespaceSelector ?? new Api.Core.LabelSelector());
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

    public static bool ObjectMatches(Webhook hook, WebhookRequestFacts request)
    {
        var selector = ParsedLabelSelector.FromModel(hook.ObjectSelector ?? new Api.Core.LabelSelector());
        if (selector.IsEmpty)
        {
            return true;
        }
        return (request.ObjectLabels is not null && selector.Matches(request.ObjectLabels)) ||
               (request.OldObjectLabels is not null && selector.Matches(request.OldObjectLabels));
    }
}
