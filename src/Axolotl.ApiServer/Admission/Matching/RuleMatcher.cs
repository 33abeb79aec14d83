using Axolotl.Api.AdmissionRegistration;

namespace Axolotl.ApiServer.Admission.Matching;

/// <summary>
/// Whether one rule covers a request (upstream's rules.Matcher), for webhooks and ValidatingAdmissionPolicies alike:
/// scope, operation, group, version and resource/subresource must all match. "*" matches every value; as a resource,
/// "*" matches only requests without a subresource, "*/*" everything, "pods/*" every subresource of pods (and pods
/// itself is "pods"), "*/status" every status subresource. A policy's rule may also name the objects it covers
/// (resourceNames); a create whose name the server generates has no name to match. matchPolicy Equivalent is
/// matched as Exact: every resource here is served in one version, except autoscaling's HorizontalPodAutoscaler (v1 and v2).
/// </summary>
public static class RuleMatcher
{
    public static bool Matches(RuleWithOperations rule, RequestFacts request) =>
        ScopeMatches(rule.Scope, request) &&
        AnyMatches(rule.Operations, request.Operation) &&
        AnyMatches(rule.ApiGroups, request.Group) &&
        AnyMatches(rule.ApiVersions, request.Version) &&
        ResourceMatches(rule.Resources, request.Resource, request.Subresource) &&
        (rule is not NamedRuleWithOperations { ResourceNames: { Count: > 0 } names } || names.Contains(request.Name));

    private static bool ScopeMatches(string? scope, RequestFacts request) => scope switch
    {
        null or "*" => true,
        // A Namespace is cluster-scoped even though its requests carry its own name as their namespace.
        "Namespaced" => !request.IsNamespaceObject && request.Namespace.Length > 0,
        "Cluster" => request.IsNamespaceObject || request.Namespace.Length == 0,
        _ => false,
    };

    private static bool AnyMatches(List<string>? values, string value) =>
        values is not null && values.Any(v => v == "*" || v == value);

    private static bool ResourceMatches(List<string>? resources, string resource, string subresource)
    {
        foreach (var item in resources ?? [])
        {
            var slash = item.IndexOf('/', StringComparison.Ordinal);
            var (res, sub) = slash < 0 ? (item, "") : (item[..slash], item[(slash + 1)..]);
            if ((res == "*" || res == resource) && (sub == "*" || sub == subresource))
            {
                return true;
            }
        }
        return false;
    }
}
