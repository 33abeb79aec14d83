using System.Globalization;
using Axolotl.Proxy.GatewayApi.Model;

namespace Axolotl.Proxy.GatewayApi;

/// <summary>
/// The path and redirect arithmetic of HTTPRoute filters. ReplacePrefixMatch swaps the matched prefix for the
/// replacement element-wise ("/foo" → "/bar" turns "/foo/x" into "/bar/x"; "/foo" → "/" turns it into "/x"). A
/// redirect's port, when not given, is the scheme's well-known port if the scheme is given, else the listener's;
/// 80 on http and 443 on https are left out of the Location, as the Gateway API asks. Pure.
/// </summary>
public static class GatewayPaths
{
    public static string Modify(HTTPPathModifier? modifier, GatewayRouteMatch match, string path) => modifier?.Type switch
    {
        "ReplaceFullPath" => modifier.ReplaceFullPath ?? path,
        "ReplacePrefixMatch" => ReplacePrefix(path, match.Prefix, modifier.ReplacePrefixMatch ?? "/"),
        _ => path,
    };

    public static string ReplacePrefix(string path, string prefix, string replacement)
    {
        var rest = path.Length >= prefix.Length ? path[prefix.Length..] : "";
        var result = replacement.TrimEnd('/') + rest;
        return result.Length == 0 ? "/" : result[0] == '/' ? result : "/" + result;
    }

    /// <summary>The Location of a RequestRedirect for a request that came in on <paramref name="scheme"/> to the listener's port.</summary>
    public static string Location(HTTPRequestRedirectFilter redirect, GatewayRouteMatch match, string scheme, string host, int listenerPort, string path, string query)
    {
        var targetScheme = redirect.Scheme ?? scheme;
        var port = redirect.Port ?? (redirect.Scheme is null ? listenerPort : redirect.Scheme == "https" ? 443 : 80);
        var hostname = redirect.Hostname ?? host;
        var portText = (targetScheme, port) is ("http", 80) or ("https", 443) ? "" : ":" + port.ToString(CultureInfo.InvariantCulture);
        return $"{targetScheme}://{hostname}{portText}{Modify(redirect.Path, match, path)}{query}";
    }
}
