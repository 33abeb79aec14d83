using Axolotl.Api.AdmissionRegistration;
using Axolotl.ApiServer.Admission.Matching;

namespace Axolotl.ApiServer.Admission.Policies;

/// <summary>
/// Whether a policy's matchConstraints, or a binding's matchResources, cover a request (upstream's matching.Matcher):
/// the namespace and object selectors, no excludeResourceRule, and a resourceRule, with the rule and selector matching
/// webhooks use. A binding without matchResources, or without resourceRules, matches whatever its policy matches.
/// matchPolicy Equivalent matches as Exact, as for webhooks (<see cref="RuleMatcher"/>).
/// </summary>
public static class PolicyMatcher
{
    public static async Task<bool> MatchesAsync(MatchResources? match, RequestFacts request, NamespaceLookup ns, CancellationToken ct)
    {
        if (match is null)
        {
            return true;
        }
        if (!await SelectorMatcher.NamespaceMatchesAsync(match.NamespaceSelector, request, () => ns.LabelsAsync(ct)) ||
            !SelectorMatcher.ObjectMatches(match.ObjectSelector, request))
        {
            return false;
        }
        if ((match.ExcludeResourceRules ?? []).Any(rule => RuleMatcher.Matches(rule, request)))
        {
            return false;
        }
        return match.ResourceRules is not { Count: > 0 } rules || rules.Any(rule => RuleMatcher.Matches(rule, request));
    }
}
