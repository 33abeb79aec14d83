using System.Net;

namespace Axolotl.Proxy.Routing;

/// <summary>Where the proxy accepts connections: a cluster IP, node address or load balancer IP, and a port.</summary>
public readonly record struct Frontend(IPAddress Address, int Port)
{
    public IPEndPoint EndPoint => new(Address, Port);

    public override string ToString() => $"{Address}:{Port}";
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
