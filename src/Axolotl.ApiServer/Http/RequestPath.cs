using Axolotl.ApiServer.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Axolotl.ApiServer.Http;

/// <summary>
/// The request path's segments as the client sent them, each percent-decoded once. Kestrel's
/// <c>Request.Path</c> is decoded and has its dot segments resolved, so "configmaps/%2E%2E/%2E%2E/other"
/// would address the namespace "other"; routing and authorization both read this instead, and a
/// segment that is empty (a trailing slash), ".", "..", or holds '/' or '%' once decoded never names
/// anything (upstream's path segment name rules).
/// </summary>
public static class RequestPath
{
    private static readonly object Key = new();
    private static readonly object TailKey = new();

    /// <exception cref="ApiException">400 for a segment that cannot be a name, 404 for an empty one.</exception>
    public static string[] Segments(HttpContext ctx)
    {
        if (ctx.Items.TryGetValue(Key, out var cached) && cached is string[] segments)
        {
            return segments;
        }
        (segments, var tail) = ParseWithProxyTail(RawPath(ctx));
        ctx.Items[Key] = segments;
        ctx.Items[TailKey] = tail;
        return segments;
    }

    /// <summary>
    /// A proxy request's path split at its proxy subresource (pods/NAME/proxy/…, services/NAME/proxy/…,
    /// nodes/NAME/proxy/…), both parts as the client sent them, still escaped; null for other requests.
    /// </summary>
    public static ProxyPath? Proxy(HttpContext ctx)
    {
        Segments(ctx);
        return ctx.Items.TryGetValue(TailKey, out var tail) ? tail as ProxyPath : null;
    }

    public static string[] Parse(string rawPath) => ParseWithProxyTail(rawPath).Segments;

    /// <summary>
    /// The path's segments up to a proxy subresource, and what follows it unparsed: that part is the
    /// pod's or Service's own path (empty segments, a trailing slash, any characters), not a name here.
    /// </summary>
    public static (string[] Segments, ProxyPath? Proxy) ParseWithProxyTail(string rawPath)
    {
        var query = rawPath.IndexOfAny(['?', '#']);
        var path = query < 0 ? rawPath : rawPath[..query];
        if (path is "" or "/")
        {
            return ([], null);
        }
        var parts = path.TrimStart('/').Split('/');
        ProxyPath? tail = null;
        if (ProxySegment(parts) is { } proxyAt)
        {
            tail = new ProxyPath(
                "/" + string.Join('/', parts[..(proxyAt + 1)]),
                proxyAt + 1 < parts.Length ? "/" + string.Join('/', parts[(proxyAt + 1)..]) : "");
            parts = parts[..(proxyAt + 1)];
        }
        else if (parts.Length > 1 && parts[^1].Length == 0 && IsDiscoveryPath(parts[..^1]))
        {
            parts = parts[..^1];
        }
        var segments = new string[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (parts[i].Length == 0)
            {
                throw ApiErrors.NoSuchPath();
            }
            string decoded;
            try
            {
                decoded = Uri.UnescapeDataString(parts[i]);
            }
            catch (UriFormatException)
            {
                throw ApiErrors.BadRequest($"invalid path segment \"{parts[i]}\"");
            }
            if (InvalidName(decoded) is { } problem)
            {
                throw ApiErrors.BadRequest($"invalid resource name \"{decoded}\": [{problem}]");
            }
            segments[i] = decoded;
        }
        return (segments, tail);
    }

    /// <summary>Where "proxy" sits in /api/v1/namespaces/NS/{pods,services}/NAME/proxy/… or /api/v1/nodes/NAME/proxy/…, if it does.</summary>
    private static int? ProxySegment(string[] parts) => parts switch
    {
        ["api", "v1", "namespaces", _, "pods" or "services", _, "proxy", ..] => 6,
        ["api", "v1", "nodes", _, "proxy", ..] => 4,
        _ => null,
    };

    /// <summary>
    /// Version and discovery paths, which kube-apiserver also answers with a trailing slash (/api/,
    /// /apis/apps/v1/): its go-restful web services register them as "ROOT/". Resource paths do not.
    /// </summary>
    private static bool IsDiscoveryPath(string[] parts) => parts switch
    {
        ["version"] or ["api"] or ["apis"] or ["api", "v1"] => true,
        ["apis", { Length: > 0 }] or ["apis", { Length: > 0 }, { Length: > 0 }] => true,
        _ => false,
    };

    /// <summary>Upstream's path segment name rules: not "." or "..", no '/' or '%'.</summary>
    public static string? InvalidName(string name) => name switch
    {
        "." or ".." => $"may not be '{name}'",
        _ when name.Contains('/', StringComparison.Ordinal) => "may not contain '/'",
        _ when name.Contains('%', StringComparison.Ordinal) => "may not contain '%'",
        _ => null,
    };

    private static string RawPath(HttpContext ctx)
    {
        var raw = ctx.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw))
        {
            return ctx.Request.PathBase.Add(ctx.Request.Path).ToUriComponent();
        }
        if (raw.StartsWith('/'))
        {
            return raw;
        }
        // Absolute form (a proxy's request line): only its path counts.
        return Uri.TryCreate(raw, UriKind.Absolute, out var uri) ? uri.GetComponents(UriComponents.Path | UriComponents.KeepDelimiter, UriFormat.UriEscaped) : "/";
    }
}
