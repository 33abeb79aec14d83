using Axolotl.Proxy.GatewayApi.Model;

namespace Axolotl.Proxy.GatewayApi;

/// <summary>
/// One match of one HTTPRoute rule with what the rule does: its filters and its weighted backends. Backends are
/// taken in weighted turns (a counter, no randomness): with weights 3 and 1, three requests of every four go to the
/// first. Immutable apart from that counter.
/// </summary>
public sealed class GatewayRouteEntry(GatewayRouteMatch match, IReadOnlyList<HTTPRouteFilter> filters, IReadOnlyList<GatewayBackend> backends, string route)
{
    private long _turn = -1;

    public GatewayRouteMatch Match { get; } = match;

    public IReadOnlyList<GatewayBackend> Backends { get; } = backends;

    /// <summary>The HTTPRoute ("namespace/name"), for logs.</summary>
    public string Route { get; } = route;

    public HTTPHeaderFilter? RequestHeaders { get; } = filters.FirstOrDefault(f => f.Type == "RequestHeaderModifier")?.RequestHeaderModifier;

    public HTTPHeaderFilter? ResponseHeaders { get; } = filters.FirstOrDefault(f => f.Type == "ResponseHeaderModifier")?.ResponseHeaderModifier;

    public HTTPRequestRedirectFilter? Redirect { get; } = filters.FirstOrDefault(f => f.Type == "RequestRedirect")?.RequestRedirect;

    public HTTPURLRewriteFilter? Rewrite { get; } = filters.FirstOrDefault(f => f.Type == "URLRewrite")?.UrlRewrite;

    /// <summary>The backend for the next request; null when the rule has none with a weight above 0 (a 500).</summary>
    public GatewayBackend? Pick()
    {
        var total = 0L;
        foreach (var backend in Backends)
        {
            total += backend.Weight;
        }
        if (total == 0)
        {
            return null;
        }
        var slot = (Interlocked.Increment(ref _turn) & long.MaxValue) % total;
        foreach (var backend in Backends)
        {
            if (slot < backend.Weight)
            {
                return backend;
            }
            slot -= backend.Weight;
        }
        return null;
    }
}
