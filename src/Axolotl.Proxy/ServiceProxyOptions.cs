using System.Net;
using System.Net.Sockets;
using Axolotl.Api.Net;
using Axolotl.Proxy.Balancing;
using Axolotl.Proxy.Standby;

namespace Axolotl.Proxy;

/// <summary>How one node's service proxy runs.</summary>
public sealed record ServiceProxyOptions
{
    /// <summary>This node: its Node object's addresses carry node ports, and Local traffic policies keep to its pods.</summary>
    public required string NodeName { get; init; }

    /// <summary>Cluster IPs outside this range are not served, and nothing outside it goes on the interface.</summary>
    public string ServiceCidr { get; init; } = "10.96.0.0/16";

    /// <summary>The link the proxy creates for the cluster IPs (at most 15 characters); null leaves interfaces alone.</summary>
    public string? InterfaceName { get; init; } = "axl-svc0";

    /// <summary>
    /// The nftables table (ip family) of the kernel standby path, which serves new TCP connections while this
    /// process is down (<see cref="Standby.StandbyTable"/>, ADR 0026); null: none. The proxy writes it and never
    /// removes it: the node's host cleanup does.
    /// </summary>
    public string? StandbyTable { get; init; }

    /// <summary>
    /// The bridge this node's pods are on. In nftables mode a connection the table DNATs to one of them keeps its client's
    /// address (only one to another node's pod is masqueraded); null masquerades as kube-proxy does.
    /// </summary>
    public string? PodBridge { get; init; }

    /// <summary>
    /// relay (default): the relay serves every frontend, <see cref="StandbyTable"/> only while the process is down.
    /// nftables: that table DNATs every eligible TCP frontend outright and the relay keeps the rest (ADR 0030); needs
    /// <see cref="StandbyTable"/>, and falls back to the relay with a warning when there is none or nft refuses it.
    /// </summary>
    public ProxyMode Mode { get; init; } = ProxyMode.Relay;

    /// <summary>The cluster's pod range: in nftables mode a pod client of a cluster IP keeps its address; null masquerades every client.</summary>
    public string? ClusterCidr { get; init; }

    /// <summary>Addresses node ports listen on besides the Node object's InternalIP/ExternalIP (127.0.0.1 and the pod gateway, typically).</summary>
    public IReadOnlyList<IPAddress> NodePortAddresses { get; init; } = [IPAddress.Loopback];

    /// <summary>Also listen on the addresses of this node's Node object (when they are on this host).</summary>
    public bool UseNodeAddresses { get; init; } = true;

    public BalancingMode Balancing { get; init; } = BalancingMode.RoundRobin;

    /// <summary>The agent of this process, telling which of its pods are not ready before the EndpointSlices do (ADR 0003); null: slices only.</summary>
    public ILocalEndpointReadiness? LocalReadiness { get; init; }

    /// <summary>
    /// Hears each change of the EndpointSlices this proxy watches (before, after; null for an add or a
    /// delete), on the informer's thread: the agent times endpoint removals with it (ADR 0017). Must not block.
    /// </summary>
    public Action<Api.Discovery.EndpointSlice?, Api.Discovery.EndpointSlice?>? EndpointSliceChanged { get; init; }

    /// <summary>How long one connect to an endpoint may take before the next endpoint is tried beside it (the first to connect wins).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a client connection waits for any endpoint to connect before it is reset. A slow endpoint is
    /// not given up at <see cref="ConnectTimeout"/>: on a busy node a pod may accept late, and it may be the only one.
    /// </summary>
    public TimeSpan ConnectDeadline { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// NetworkPolicy for relayed TCP connections and UDP flows (client address, chosen endpoint, protocol): false skips
    /// the endpoint as if it refused. The relay connects from the node, which the kernel's policy rules never judge;
    /// null: every one allowed.
    /// </summary>
    public Func<IPAddress, IPEndPoint, ProtocolType, bool>? AdmitConnection { get; init; }

    /// <summary>
    /// A socket mark (SO_MARK) for the relay's connection from a client to an endpoint, or null for none: the node's
    /// NetworkPolicy table rewrites the source of a marked connection to the client pod's address, so a pod on another
    /// node judges it by its ingress rules as the client (ADR 0023). Null: no connection is marked.
    /// </summary>
    public Func<IPAddress, IPEndPoint, int?>? BackendMark { get; init; }

    /// <summary>Endpoints tried for one client connection before it is reset.</summary>
    public int MaxConnectAttempts { get; init; } = 4;

    /// <summary>An endpoint that refused a connect is avoided for this long while others are usable.</summary>
    public TimeSpan FailedEndpointQuarantine { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Open proxied connections (each holds two sockets); beyond it new ones are reset.</summary>
    public int MaxConnections { get; init; } = 4096;

    /// <summary>Per direction, taken from a pool only while bytes are in flight.</summary>
    public int BufferSize { get; init; } = 16 * 1024;

    /// <summary>
    /// Client bytes kept per connection until its endpoint answers, to replay them on another endpoint
    /// when that one closes or resets without answering (a crashed pod); 0 turns replay off.
    /// </summary>
    public int ReplayLimit { get; init; } = 64 * 1024;

    /// <summary>UDP flows open at once (each holds a socket); datagrams that would open more are dropped.</summary>
    public int MaxUdpFlows { get; init; } = 4096;

    /// <summary>UDP flows of one client IP; past it the client's least recently used flow is closed.</summary>
    public int MaxUdpFlowsPerClient { get; init; } = 1024;

    /// <summary>Idle timeout of a UDP flow that is unreplied or had one exchange (nf_conntrack_udp_timeout).</summary>
    public TimeSpan UdpFlowTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Idle timeout of a UDP flow with traffic both ways (nf_conntrack_udp_timeout_stream).</summary>
    public TimeSpan UdpStreamTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Clients remembered for sessionAffinity ClientIP across all Service ports.</summary>
    public int MaxAffinityEntries { get; init; } = 65536;

    /// <summary>How often idle UDP flows and expired affinity entries are swept.</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromSeconds(5);

    public int ListenBacklog { get; init; } = 1024;

    /// <summary>How soon a frontend whose bind failed (port taken) is tried again.</summary>
    public TimeSpan BindRetryInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Where the cluster DNS server listens (the pod gateway, which pods' resolv.conf names); empty runs none.</summary>
    public IReadOnlyList<IPAddress> DnsAddresses { get; init; } = [];

    public int DnsPort { get; init; } = 53;

    /// <summary>The node's resolvers, to which the cluster DNS forwards names outside the cluster domain; empty answers them REFUSED.</summary>
    public IReadOnlyList<IPEndPoint> DnsUpstreams { get; init; } = [];

    /// <summary>
    /// How the proxy's informers (Services, EndpointSlices, Nodes) retry an API server that does not
    /// answer. While it is gone the routing and DNS keep answering from the last view; a node's agent
    /// passes its own short retry cap so that view is current again within seconds of the server's return.
    /// </summary>
    public TimeSpan InformerInitialBackoff { get; init; } = TimeSpan.FromMilliseconds(800);

    public TimeSpan InformerMaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    public void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(NodeName);
        _ = Ipv4Cidr.Parse(ServiceCidr);
        if (ClusterCidr is not null)
        {
            _ = Ipv4Cidr.Parse(ClusterCidr);
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxConnections);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxConnectAttempts);
        ArgumentOutOfRangeException.ThrowIfLessThan(BufferSize, 512);
        ArgumentOutOfRangeException.ThrowIfNegative(ReplayLimit);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConnectTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(ConnectDeadline, ConnectTimeout);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxUdpFlows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxUdpFlowsPerClient);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxAffinityEntries);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(UdpFlowTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(UdpStreamTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(SweepInterval, TimeSpan.Zero);
    }
}
