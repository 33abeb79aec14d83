using Axolotl.Api.Meta;
using Axolotl.Api.Rbac;

namespace Axolotl.ApiServer.Security.Rbac;

/// <summary>
/// Whether rules a user holds cover rules they want to grant (upstream's validation.Covers): the
/// wanted rules are broken down into one verb on one resource (or URL) and name each, and every
/// piece must be covered by one held rule. Held '*' covers anything; "*/sub" covers any "res/sub";
/// a held URL ending in '*' covers the URLs it prefixes.
/// </summary>
public static class RuleCoverage
{
    /// <summary>The pieces of <paramref name="wanted"/> no rule in <paramref name="held"/> covers.</summary>
    public static List<PolicyRule> Missing(IReadOnlyList<PolicyRule> held, IEnumerable<PolicyRule> wanted)
    {
        var missing = new List<PolicyRule>();
        foreach (var piece in wanted.SelectMany(Breakdown))
        {
            if (!held.Any(h => Covers(h, piece)))
            {
                missing.Add(piece);
            }
        }
        return missing;
    }

    public static IEnumerable<PolicyRule> Breakdown(PolicyRule rule)
    {
        var verbs = rule.Verbs ?? [];
        foreach (var group in rule.ApiGroups ?? [])
        {
            foreach (var resource in rule.Resources ?? [])
            {
                foreach (var verb in verbs)
                {
                    if (rule.ResourceNames is { Count: > 0 } names)
                    {
                        foreach (var name in names)
                        {
                            yield return new PolicyRule { ApiGroups = [group], Resources = [resource], Verbs = [verb], ResourceNames = [name] };
                        }
                    }
                    else
                    {
                        yield return new PolicyRule { ApiGroups = [group], Resources = [resource], Verbs = [verb] };
                    }
                }
            }
        }
        foreach (var url in rule.NonResourceUrls ?? [])
        {
            foreach (var verb in verbs)
            {
                yield return new PolicyRule { NonResourceUrls = [url], Verbs = [verb] };
            }
        }
    }

    public static bool Covers(PolicyRule owner, PolicyRule sub)
    {
        var verbs = HasAllOrStar(owner.Verbs, sub.Verbs);
        var groups = HasAllOrStar(owner.ApiGroups, sub.ApiGroups);
        var resources = ResourcesCover(owner.Resources ?? [], sub.Resources ?? []);
        var urls = UrlsCover(owner.NonResourceUrls ?? [], sub.NonResourceUrls ?? []);
        var names = sub.ResourceNames is not { Count: > 0 }
            ? owner.ResourceNames is not { Count: > 0 }
            : owner.ResourceNames is not { Count: > 0 } || sub.ResourceNames.All(owner.ResourceNames.Contains);
        return verbs && groups && resources && names && urls;
    }

    private static bool HasAllOrStar(List<string>? owner, List<string>? sub) =>
        (owner ?? []).Contains(RuleMatching.All) || (sub ?? []).All(s => (owner ?? []).Contains(s));

    private static bool ResourcesCover(List<string> owner, List<string> sub)
    {
        if (owner.Contains(RuleMatching.All) || sub.All(owner.Contains))
        {
            return true;
        }
        foreach (var resource in sub)
        {
            if (owner.Contains(resource))
            {
                continue;
            }
            var slash = resource.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0 || !owner.Contains("*/" + resource[(slash + 1)..]))
            {
                return false;
            }
        }
        return true;
    }

    private static bool UrlsCover(List<string> owner, List<string> sub) =>
        sub.All(url => owner.Any(o => o == url || (o.EndsWith('*') && url.StartsWith(o[..^1], StringComparison.Ordinal))));

    /// <summary>Upstream's CompactString: {APIGroups:["" "apps"], Resources:["pods"], Verbs:["get"]} with Go's %q of a slice.</summary>
    public static string Compact(PolicyRule rule)
    {
        var parts = new List<string>();
        Add(parts, "APIGroups", rule.ApiGroups);
        Add(parts, "Resources", rule.Resources);
        Add(parts, "NonResourceURLs", rule.NonResourceUrls);
        Add(parts, "ResourceNames", rule.ResourceNames);
        Add(parts, "Verbs", rule.Verbs);
        return "{" + string.Join(", ", parts) + "}";
    }

    private static void Add(List<string> parts, string name, List<string>? values)
    {
        if (values is { Count: > 0 })
        {
            parts.Add($"{name}:[{string.Join(' ', values.Select(GoValue.Quote))}]");
        }
    }
}
