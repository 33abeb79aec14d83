using Axolotl.Api.FlowControl;
using Axolotl.ApiServer.Security;

namespace Axolotl.ApiServer.FlowControl;

/// <summary>
/// Whether a FlowSchema's rules match a request (upstream's rule evaluation): one of its
/// PolicyRulesWithSubjects matches when one subject names the requester and one resource or
/// non-resource rule covers the request. "*" matches anything wherever it may appear.
/// </summary>
public static class FlowSchemaMatcher
{
    private const string All = "*";

    public static bool Matches(FlowSchemaSpec spec, RequestDigest request) =>
        (spec.Rules ?? []).Any(rule => (rule.Subjects ?? []).Any(s => SubjectMatches(s, request)) && RuleMatches(rule, request));

    public static bool SubjectMatches(Subject subject, RequestDigest request)
    {
        switch (subject.Kind)
        {
            case Subject.KindUser:
                return subject.User is { } user && (user.Name == All || user.Name == request.User);
            case Subject.KindGroup:
                return subject.Group is { } group && (group.Name == All || request.Groups.Contains(group.Name));
            case Subject.KindServiceAccount:
                if (subject.ServiceAccount is not { } sa || Principal.ServiceAccountOf(request.User) is not { } account)
                {
                    return false;
                }
                return sa.Namespace == account.Namespace && (sa.Name == All || sa.Name == account.Name);
            default:
                return false;
        }
    }

    private static bool RuleMatches(PolicyRulesWithSubjects rule, RequestDigest request) => request.IsResourceRequest
        ? (rule.ResourceRules ?? []).Any(r => ResourceRuleMatches(r, request))
        : (rule.NonResourceRules ?? []).Any(r => NonResourceRuleMatches(r, request));

    public static bool ResourceRuleMatches(ResourcePolicyRule rule, RequestDigest request)
    {
        if (!Contains(rule.Verbs, request.Verb) || !Contains(rule.ApiGroups, request.ApiGroup) || !Contains(rule.Resources, request.Resource))
        {
            return false;
        }
        return request.Namespace.Length == 0 ? rule.ClusterScope == true : Contains(rule.Namespaces, request.Namespace);
    }

    public static bool NonResourceRuleMatches(NonResourcePolicyRule rule, RequestDigest request)
    {
        if (!Contains(rule.Verbs, request.Verb))
        {
            return false;
        }
        foreach (var url in rule.NonResourceURLs ?? [])
        {
            if (url == All || url == request.Path)
            {
                return true;
            }
            // "/apis/*" covers everything below /apis/, as upstream's suffix glob.
            if (url.EndsWith('*') && request.Path.StartsWith(url.TrimEnd('*'), StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    private static bool Contains(List<string>? values, string value) => values is not null && (values.Contains(All) || values.Contains(value));

    /// <summary>The flow distinguisher: the user's name (ByUser), the namespace (ByNamespace), or none.</summary>
    public static string Distinguisher(FlowSchemaSpec spec, RequestDigest request) => spec.DistinguisherMethod?.Type switch
    {
        FlowDistinguisherMethod.ByUser => request.User,
        FlowDistinguisherMethod.ByNamespace => request.Namespace,
        _ => "",
    };
}
