namespace Axolotl.Proxy.GatewayApi;

/// <summary>
/// Hostname rules of the Gateway API. A wildcard "*.example.com" matches any name with one or more labels in front
/// of "example.com" (unlike an Ingress wildcard, which takes exactly one), never "example.com" itself. An HTTPRoute
/// on a listener serves the intersection of its hostnames with the listener's: the more specific of two names that
/// match each other. Pure.
/// </summary>
public static class GatewayHostnames
{
    /// <summary>Whether <paramref name="pattern"/> (a name or a "*." wildcard) matches the concrete <paramref name="host"/>.</summary>
    public static bool Matches(string pattern, string host)
    {
        if (!IsWildcard(pattern))
        {
            return string.Equals(pattern, host, StringComparison.OrdinalIgnoreCase);
        }
        var suffix = pattern[1..];
        return host.Length > suffix.Length && host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase);
    }

    public static bool IsWildcard(string pattern) => pattern.StartsWith("*.", StringComparison.Ordinal);

    /// <summary>
    /// The names a route serves on a listener: null when none of the route's hostnames meets the listener's
    /// (the route does not attach there, NoMatchingListenerHostname); an empty list for "any host".
    /// </summary>
    public static IReadOnlyList<string>? Intersect(string? listener, IReadOnlyList<string>? route)
    {
        var routeNames = (route ?? []).Select(h => h.ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList();
        var listenerName = string.IsNullOrEmpty(listener) ? null : listener.ToLowerInvariant();
        if (listenerName is null)
        {
            return routeNames;
        }
        if (routeNames.Count == 0)
        {
            return [listenerName];
        }
        var served = new List<string>();
        foreach (var name in routeNames)
        {
            if (Matches(listenerName, name))
            {
                served.Add(name);
            }
            else if (Matches(name, listenerName))
            {
                // Also two wildcards: "*.example.com" on a "*.a.example.com" listener keeps the listener's, the narrower.
                served.Add(listenerName);
            }
        }
        var distinct = served.Distinct(StringComparer.Ordinal).ToList();
        return distinct.Count == 0 ? null : distinct;
    }

    /// <summary>
    /// Orders hostname patterns for a request's lookup: exact names, then wildcards longest first, then the
    /// host-less "" (any). Upstream's precedence: the most characters in a matching non-wildcard name, then in a matching name.
    /// </summary>
    public static int Specificity(string pattern) => pattern.Length == 0 ? 0 : IsWildcard(pattern) ? pattern.Length : 100_000 + pattern.Length;

    /// <summary>The most specific of <paramref name="patterns"/> that matches <paramref name="host"/>, "" when only the any-host group does, null when none.</summary>
    public static string? Best(IEnumerable<string> patterns, string host)
    {
        string? best = null;
        foreach (var pattern in patterns)
        {
            if ((pattern.Length == 0 || Matches(pattern, host)) && (best is null || Specificity(pattern) > Specificity(best)))
            {
                best = pattern;
            }
        }
        return best;
    }
}
