using Axolotl.Proxy.Routing;

namespace Axolotl.Proxy.Standby;

/// <summary>How the node's service table serves one frontend.</summary>
public enum TablePath
{
    /// <summary>DNAT only when no relay socket takes the connection, that is while the process is down (ADR 0026).</summary>
    Standby,

    /// <summary>DNAT every new connection, from other machines, the node's pods and the node itself (`--proxy-mode nftables`, ADR 0030).</summary>
    Kernel,
}

/// <summary>One frontend the table serves, the Service port behind it and the endpoints its rule spreads connections over.</summary>
public sealed record TableFrontend(Frontend Frontend, FrontendTarget Target, ServiceRoute Route, IReadOnlyList<RouteEndpoint> Endpoints, TablePath Path);
