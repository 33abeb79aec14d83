namespace Axolotl.Proxy.Forwarding.Udp;

/// <summary>
/// Bounds and timeouts of the UDP flow table, after the Linux conntrack defaults kube-proxy relies on:
/// nf_conntrack_udp_timeout (30 s) for a flow that is unreplied or has had just one exchange, and
/// nf_conntrack_udp_timeout_stream (120 s) once traffic goes on more than 2 s after the first reply.
/// </summary>
/// <param name="MaxFlows">Flows open at once on this node (each holds a socket); past it new flows' datagrams are dropped.</param>
/// <param name="MaxFlowsPerClient">Flows of one client IP; past it that client's least recently used flow is closed, so one pod cycling source ports only evicts its own flows.</param>
internal sealed record UdpFlowOptions(int MaxFlows = 4096, int MaxFlowsPerClient = 1024)
{
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan StreamTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>How long after the first reply further traffic makes a flow a stream.</summary>
    public TimeSpan StreamAfter { get; init; } = TimeSpan.FromSeconds(2);
}
