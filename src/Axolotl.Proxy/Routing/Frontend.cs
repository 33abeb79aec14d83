using System.Net;

namespace Axolotl.Proxy.Routing;

/// <summary>The transport a frontend serves: a Service port's protocol.</summary>
public enum Transport
{
    Tcp,
    Udp,
}

/// <summary>Where the proxy accepts traffic: a cluster IP, node address or load balancer IP, a port, and TCP or UDP.</summary>
public readonly record struct Frontend(IPAddress Address, int Port, Transport Transport = Transport.Tcp)
{
    public IPEndPoint EndPoint => new(Address, Port);

    public override string ToString() => Transport == Transport.Tcp ? $"{Address}:{Port}" : $"{Address}:{Port}/UDP";
}

/// <summary>How a frontend reaches its Service: the cluster IP (internal traffic) or a node port / load balancer IP (external).</summary>
public enum FrontendKind
{
    ClusterIP,
    NodePort,
    LoadBalancer,
}

/// <summary>The Service port behind a frontend.</summary>
public sealed record FrontendTarget(ServicePortName Service, FrontendKind Kind)
{
    /// <summary>External traffic follows externalTrafficPolicy; cluster-IP traffic internalTrafficPolicy.</summary>
    public bool IsExternal => Kind != FrontendKind.ClusterIP;
}
