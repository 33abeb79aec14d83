namespace Axolotl.Proxy.GatewayApi;

/// <summary>
/// The routes attached to one listener, grouped by the hostname they serve there ("" for any host), each group's
/// entries in the Gateway API's precedence order. A request goes to its most specific hostname group (an exact
/// name, else the longest matching wildcard, else ""), and within it to the first entry that matches; it does not
/// fall through to a less specific group, as one virtual host of Envoy's does not.
/// </summary>
public sealed class GatewayListenerRoutes(string gateway, string listener, string? hostname, IReadOnlyDictionary<string, IReadOnlyList<GatewayRouteEntry>> hosts)
{
    /// <summary>The Gateway ("namespace/name").</summary>
    public string Gateway { get; } = gateway;

    public string Listener { get; } = listener;

    /// <summary>The listener's hostname; null takes every host.</summary>
    public string? Hostname { get; } = hostname;

    public IReadOnlyDictionary<string, IReadOnlyList<GatewayRouteEntry>> Hosts { get; } = hosts;

    public GatewayRouteEntry? Match(string host, string method, string path, Func<string, string?> header, Func<string, string?> query)
    {
        if (GatewayHostnames.Best(Hosts.Keys, host) is not { } best)
        {
            return null;
        }
        foreach (var entry in Hosts[best])
        {
            if (entry.Match.Matches(method, path, header, query))
            {
                return entry;
            }
        }
        return null;
    }
}
