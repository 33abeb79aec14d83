using Axolotl.Cel.Values;

namespace Axolotl.Cel.Library;

/// <summary>Kubernetes' URL library: url(), isURL() and the getters, over an absolute URI as Go's url.Parse would read it.</summary>
internal static class UrlFunctions
{
    public static void Register(Dictionary<string, CelFunction> g, Dictionary<string, CelFunction> m)
    {
        g["url"] = (a, _) => a is [string s] ? (object?)Parse(s) ?? new CelError($"URL parse error during conversion from string: {s}") : CelError.NoSuchOverload("url");
        g["isURL"] = (a, _) => a is [string s] ? Parse(s) is not null : CelError.NoSuchOverload("isURL");
        Getter(m, "getScheme", u => u.Scheme);
        Getter(m, "getHost", RawHost);
        Getter(m, "getHostname", u => SplitHost(RawHost(u)).Host);
        Getter(m, "getPort", u => SplitHost(RawHost(u)).Port);
        Getter(m, "getEscapedPath", u => u.AbsolutePath);
        m["getQuery"] = (a, _) => a is [Uri u] ? Query(u) : CelError.NoSuchOverload("getQuery");
    }

    private static void Getter(Dictionary<string, CelFunction> m, string name, Func<Uri, string> f) =>
        m[name] = (a, _) => a is [Uri u] ? f(u) : CelError.NoSuchOverload(name);

    // Go keeps the authority as written (an explicit default port stays), so read it from the original text.
    private static string RawHost(Uri u)
    {
        var text = u.OriginalString;
        var start = text.IndexOf("//", StringComparison.Ordinal);
        if (start < 0)
        {
            return "";
        }

        start += 2;
        var end = text.IndexOfAny(['/', '?', '#'], start);
        var authority = end < 0 ? text[start..] : text[start..end];
        var at = authority.LastIndexOf('@');
        return at < 0 ? authority : authority[(at + 1)..];
    }

    private static (string Host, string Port) SplitHost(string host)
    {
        if (host.StartsWith('['))
        {
            var close = host.IndexOf(']', StringComparison.Ordinal);
            return (host[1..close], close + 1 < host.Length && host[close + 1] == ':' ? host[(close + 2)..] : "");
        }

        var colon = host.LastIndexOf(':');
        return colon < 0 ? (host, "") : (host[..colon], host[(colon + 1)..]);
    }

    private static Uri? Parse(string s) =>
        Uri.TryCreate(s, UriKind.Absolute, out var u) && !s.StartsWith('/') ? u : null;

    private static CelMap Query(Uri u)
    {
        var groups = new Dictionary<string, List<object>>(StringComparer.Ordinal);
        foreach (var pair in u.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            var value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..]);
            if (!groups.TryGetValue(key, out var list))
            {
                groups[key] = list = [];
            }

            list.Add(value);
        }

        var map = new CelMap();
        foreach (var (k, v) in groups)
        {
            map.TryAdd(k, v);
        }

        return map;
    }
}
