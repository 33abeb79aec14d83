namespace Axolotl.Proxy.GatewayApi;

/// <summary>
/// The listeners of every Gateway served on one port (all HTTP or all HTTPS: a port's first listener sets its
/// protocol), most specific hostname first, so a request is taken by the listener whose hostname matches it best.
/// </summary>
public sealed class GatewayPortRoutes(int port, bool tls, IReadOnlyList<GatewayListenerRoutes> listeners)
{
    public int Port { get; } = port;

    public bool Tls { get; } = tls;

    public IReadOnlyList<GatewayListenerRoutes> Listeners { get; } =
        [.. listeners.OrderByDescending(l => GatewayHostnames.Specificity(l.Hostname ?? ""))];

    public GatewayListenerRoutes? ListenerFor(string host) =>
        Listeners.FirstOrDefault(l => l.Hostname is null || GatewayHostnames.Matches(l.Hostname, host));
}
