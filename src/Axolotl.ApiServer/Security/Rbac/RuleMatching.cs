using Axolotl.Api.Rbac;

namespace Axolotl.ApiServer.Security.Rbac;

/// <summary>
/// Whether one PolicyRule allows one request, with upstream's semantics: '*' verbs, groups and
/// resources; "res/sub" for a subresource and "*/sub" for that subresource of every resource;
/// resourceNames only restrict when present; nonResourceURLs match exactly or by a trailing '*'.
/// </summary>
public static class RuleMatching
{
    public const string All = "*";

    public static bool Allows(PolicyRule rule, AuthorizationRequest request) =>
        request.IsResourceRequest
            ? VerbMatches(rule, request.Verb) && GroupMatches(rule, request.Group) &&
              ResourceMatches(rule, request.Resource, request.Subresource) && NameMatches(rule, request.Name)
            : VerbMatches(rule, request.Verb) && UrlMatches(rule, request.Path);

    public static bool VerbMatches(PolicyRule rule, string verb) => Contains(rule.Verbs, verb);

    public static bool GroupMatches(PolicyRule rule, string group) => Contains(rule.ApiGroups, group);

    public static bool ResourceMatches(PolicyRule rule, string resource, string? subresource)
    {
        foreach (var candidate in rule.Resources ?? [])
        {
            if (candidate == All)
            {
                return true;
            }
            if (string.IsNullOrEmpty(subresource))
            {
                if (candidate == resource)
                {
                    return true;
                }
                continue;
            }
            // "pods/log" or "*/log"; compared without building "resource/subresource" per rule.
            var slash = candidate.IndexOf('/', StringComparison.Ordinal);
            if (slash > 0 && candidate.AsSpan(slash + 1).SequenceEqual(subresource) &&
                (candidate.AsSpan(0, slash).SequenceEqual(resource) || candidate.AsSpan(0, slash).SequenceEqual(All)))
            {
                return true;
            }
        }
        return false;
    }

    public static bool NameMatches(PolicyRule rule, string? name) =>
        rule.ResourceNames is not { Count: > 0 } names || (name is not null && names.Contains(name));

    public static bool UrlMatches(PolicyRule rule, string path)
    {
        foreach (var url in rule.NonResourceUrls ?? [])
        {
            if (url == All || url == path || (url.EndsWith('*') && path.StartsWith(url.AsSpan(0, url.Length - 1), StringComparison.Ordinal)))
            {
                return true;
            }
        }
        return false;
    }

    private static bool Contains(List<string>? values, string wanted)
    {
        if (values is null)
        {
            return false;
        }
        foreach (var value in values)
        {
            if (value == All || value == wanted)
            {
                return true;
            }
        }
        return false;
    }
}
