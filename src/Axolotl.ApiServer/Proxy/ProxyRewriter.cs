using System.Text;

namespace Axolotl.ApiServer.Proxy;

/// <summary>
/// kube-apiserver's rewriting of proxied answers, so that a page served by a pod still works under
/// /api/v1/namespaces/NS/services/NAME/proxy/: a redirect to, and a link in an HTML page to, an
/// absolute path on the same host gets the proxy prefix in front. Links to other hosts and relative
/// links are left alone, and so is a link that already carries the prefix.
/// </summary>
public static class ProxyRewriter
{
    /// <summary>The URL-bearing attributes of each HTML element, as upstream's list.</summary>
    private static readonly Dictionary<string, string[]> UrlAttributes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["a"] = ["href"],
        ["applet"] = ["codebase"],
        ["area"] = ["href"],
        ["audio"] = ["src"],
        ["base"] = ["href"],
        ["blockquote"] = ["cite"],
        ["body"] = ["background"],
        ["button"] = ["formaction"],
        ["command"] = ["icon"],
        ["del"] = ["cite"],
        ["embed"] = ["src"],
        ["form"] = ["action"],
        ["frame"] = ["longdesc", "src"],
        ["head"] = ["profile"],
        ["html"] = ["manifest"],
        ["iframe"] = ["longdesc", "src"],
        ["img"] = ["longdesc", "src", "usemap"],
        ["input"] = ["src", "usemap", "formaction"],
        ["ins"] = ["cite"],
        ["link"] = ["href"],
        ["object"] = ["classid", "codebase", "data", "usemap"],
        ["q"] = ["cite"],
        ["script"] = ["src"],
        ["source"] = ["src"],
        ["video"] = ["poster", "src"],
    };

    /// <summary>
    /// One URL found in a proxied answer. <paramref name="targetHost"/> is the pod address (host:port)
    /// the request went to, <paramref name="requestHost"/> the Host the client asked the API server for.
    /// </summary>
    public static string RewriteUrl(string url, string prefix, string targetHost, string requestHost)
    {
        if (!Uri.TryCreate(url, UriKind.RelativeOrAbsolute, out var parsed))
        {
            return url;
        }
        string host;
        string path;
        string rest;
        var keepOrigin = false;
        if (parsed.IsAbsoluteUri)
        {
            if (parsed.Scheme is not ("http" or "https"))
            {
                return url;
            }
            host = parsed.IsDefaultPort ? parsed.Host : parsed.Authority;
            var authority = parsed.Authority;
            if (!string.Equals(authority, targetHost, StringComparison.OrdinalIgnoreCase) && !string.Equals(authority, requestHost, StringComparison.OrdinalIgnoreCase) &&
                !string.Equals(host, targetHost, StringComparison.OrdinalIgnoreCase) && !string.Equals(host, requestHost, StringComparison.OrdinalIgnoreCase))
            {
                return url;
            }
            // A link to the API server's own address keeps its origin; one to the pod's address becomes a path on the API server.
            keepOrigin = string.Equals(authority, requestHost, StringComparison.OrdinalIgnoreCase);
            path = parsed.AbsolutePath;
            rest = parsed.Query + parsed.Fragment;
        }
        else
        {
            if (!url.StartsWith('/') || url.StartsWith("//", StringComparison.Ordinal))
            {
                // Relative, or scheme-relative (another host): the browser resolves it correctly already.
                return url;
            }
            var end = url.IndexOfAny(['?', '#']);
            path = end < 0 ? url : url[..end];
            rest = end < 0 ? "" : url[end..];
        }
        if (path == prefix || path.StartsWith(prefix + "/", StringComparison.Ordinal))
        {
            return url;
        }
        var rewritten = prefix.TrimEnd('/') + path;
        return keepOrigin ? $"{parsed.Scheme}://{parsed.Authority}{rewritten}{rest}" : rewritten + rest;
    }

    /// <summary>Rewrites the URL attributes of an HTML document; everything else stays byte for byte.</summary>
    public static string RewriteHtml(string html, string prefix, string targetHost, string requestHost)
    {
        var output = new StringBuilder(html.Length + 256);
        var i = 0;
        while (i < html.Length)
        {
            var lt = html.IndexOf('<', i);
            if (lt < 0)
            {
                output.Append(html, i, html.Length - i);
                break;
            }
            output.Append(html, i, lt - i);
            if (string.CompareOrdinal(html, lt, "<!--", 0, 4) == 0)
            {
                var close = html.IndexOf("-->", lt + 4, StringComparison.Ordinal);
                var stop = close < 0 ? html.Length : close + 3;
                output.Append(html, lt, stop - lt);
                i = stop;
                continue;
            }
            var nameStart = lt + 1;
            var nameEnd = nameStart;
            while (nameEnd < html.Length && (char.IsAsciiLetterOrDigit(html[nameEnd]) || html[nameEnd] == '-'))
            {
                nameEnd++;
            }
            if (nameEnd == nameStart || !char.IsAsciiLetter(html[nameStart]))
            {
                // Not a start tag (an end tag, a doctype, a stray '<').
                output.Append('<');
                i = lt + 1;
                continue;
            }
            var tag = html[nameStart..nameEnd];
            i = RewriteTag(html, lt, nameEnd, tag, output, prefix, targetHost, requestHost);
            if (tag.Equals("script", StringComparison.OrdinalIgnoreCase) || tag.Equals("style", StringComparison.OrdinalIgnoreCase))
            {
                // Raw text: nothing inside is markup.
                var close = html.IndexOf("</" + tag, i, StringComparison.OrdinalIgnoreCase);
                var stop = close < 0 ? html.Length : close;
                output.Append(html, i, stop - i);
                i = stop;
            }
        }
        return output.ToString();
    }

    /// <summary>Copies one start tag, rewriting its URL attributes; returns the index after it.</summary>
    private static int RewriteTag(string html, int start, int afterName, string tag, StringBuilder output, string prefix, string targetHost, string requestHost)
    {
        UrlAttributes.TryGetValue(tag, out var attributes);
        output.Append(html, start, afterName - start);
        var i = afterName;
        while (i < html.Length)
        {
            var c = html[i];
            if (c == '>')
            {
                output.Append('>');
                return i + 1;
            }
            if (char.IsWhiteSpace(c) || c == '/')
            {
                output.Append(c);
                i++;
                continue;
            }
            var nameStart = i;
            while (i < html.Length && !char.IsWhiteSpace(html[i]) && html[i] is not ('=' or '>' or '/'))
            {
                i++;
            }
            var name = html[nameStart..i];
            output.Append(name);
            var j = i;
            while (j < html.Length && char.IsWhiteSpace(html[j]))
            {
                j++;
            }
            if (j >= html.Length || html[j] != '=')
            {
                continue;
            }
            output.Append(html, i, j + 1 - i);
            i = j + 1;
            while (i < html.Length && char.IsWhiteSpace(html[i]))
            {
                output.Append(html[i]);
                i++;
            }
            if (i >= html.Length)
            {
                break;
            }
            string value;
            char? quote = html[i] is '"' or '\'' ? html[i] : null;
            if (quote is { } q)
            {
                var close = html.IndexOf(q, i + 1);
                var stop = close < 0 ? html.Length : close;
                value = html[(i + 1)..stop];
                i = close < 0 ? html.Length : close + 1;
            }
            else
            {
                var valueStart = i;
                while (i < html.Length && !char.IsWhiteSpace(html[i]) && html[i] != '>')
                {
                    i++;
                }
                value = html[valueStart..i];
            }
            if (attributes is not null && attributes.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                // Attribute values may hold character references; only '&amp;' is common in URLs and survives as is.
                value = RewriteUrl(value, prefix, targetHost, requestHost);
            }
            if (quote is { } qq)
            {
                output.Append(qq).Append(value).Append(qq);
            }
            else
            {
                output.Append(value);
            }
        }
        return i;
    }
}
