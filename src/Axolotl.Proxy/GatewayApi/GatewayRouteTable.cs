namespace Axolotl.Proxy.GatewayApi;

/// <summary>
/// Everything the node's Gateways serve, by port: built whole by <see cref="GatewayRouteTableBuilder"/> and swapped
/// atomically, so a request sees one consistent version.
/// </summary>
public sealed class GatewayRouteTable(IReadOnlyDictionary<int, GatewayPortRoutes> ports)
{
    public static GatewayRouteTable Empty { get; } = new(new Dictionary<int, GatewayPortRoutes>());

    public IReadOnlyDictionary<int, GatewayPortRoutes> Ports { get; } = ports;

    /// <summary>The entry serving a request to <paramref name="port"/>, or null (404). <paramref name="host"/> is the Host header without its port.</summary>
    public GatewayRouteEntry? Match(int port, string host, string method, string path, Func<string, string?> header, Func<string, string?> query)
    {
        var lower = host.ToLowerInvariant();
        return Ports.TryGetValue(port, out var routes) ? routes.ListenerFor(lower)?.Match(lower, method, path, header, query) : null;
    }
}
