using Axolotl.Api.AdmissionRegistration;

namespace Axolotl.ApiServer.Admission.Webhooks;

/// <summary>
/// Whether one rule covers a request (upstream's rules.Matcher): scope, operation, group, version and
/// resource/subresource must all match. "*" matches every value; as a resource, "*" matches only
/// requests without a subresource, "*/*" everything, "pods/*" every subresource of pods (and pods itself
/// is "pods"), "*/status" every status subresource.
/// </summary>
public static class WebhookRuleMatcher
{
    public static bool Matches(RuleWithOperations rule, WebhookRequestFacts request) =>
        ScopeMatches(rule.Scope, request) &&
        AnyMatches(rule.Operations, request.Operation) &&
        AnyMatches(rule.ApiGroups, request.Group) &&
        AnyMatches(rule.ApiVersions, request.Version) &&
        ResourceMatches(rule.Resources, request.Resource, request.Subresource);

    private static bool ScopeMatches(string? scope, WebhookRequestFacts request) => scope switch
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
