using System.Net;
using System.Net.Sockets;
using Axolotl.Proxy.Routing;

namespace Axolotl.Proxy.Forwarding.Udp;

/// <summary>
/// One client's datagrams to one UDP frontend, relayed to one endpoint through a socket of its own
/// (so the endpoint's replies come back to this flow), as a conntrack entry keeps a UDP "connection".
/// Timestamps come from the table's TimeProvider.
/// </summary>
internal sealed class UdpFlow(Frontend frontend, IPEndPoint client, ServicePortName service, RouteEndpoint endpoint, Socket? backend, long createdAt)
{
    public Frontend Frontend { get; } = frontend;

    public IPEndPoint Client { get; } = client;

    public ServicePortName Service { get; } = service;

    public RouteEndpoint Endpoint { get; } = endpoint;

    /// <summary>Connected to the endpoint; null only in tests of the table.</summary>
    public Socket? Backend { get; } = backend;

    /// <summary>Last datagram either way.</summary>
    public long LastSeen { get; set; } = createdAt;

    /// <summary>When the endpoint first answered; null while unreplied.</summary>
    public long? FirstReplyAt { get; set; }

    /// <summary>Traffic went on after the first reply (conntrack's "stream"): the longer timeout applies.</summary>
    public bool Stream { get; set; }

    /// <summary>Set once the flow left the table; its sockets are closed.</summary>
    public bool Closed { get; set; }

    public override string ToString() => $"{Client} → {Frontend} → {Endpoint}";
}
