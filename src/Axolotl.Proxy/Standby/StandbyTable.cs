using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Axolotl.Proxy.Routing;

namespace Axolotl.Proxy.Standby;

/// <summary>
/// The kernel standby path (ADR 0026): an nftables table that DNATs a new TCP connection for a Service
/// frontend to one of its endpoints only when no socket bound to the frontend's address would take it, that is while the
/// relay is not listening (the process is dead, stopping or restarting). While the relay listens, the
/// `socket` lookup in prerouting finds its listener and the packet is left to it, so replay, readiness
/// draining and session affinity work as before. Standby flows are masqueraded to the node (as the relay
/// connects from the node) so replies come back through it whatever the endpoint's node; conntrack keeps
/// them on their endpoint after the relay returns, and new connections go to the relay again.
/// Not covered: the node's own clients (the output hook's `socket` sees the client's own socket, so it
/// cannot tell whether the relay listens), loopback frontends, UDP, session affinity. Pure: snapshot in, `nft -f` script out.
/// </summary>
public static class StandbyTable
{
    public const string Family = "ip";

    /// <summary>The conntrack mark bit that tells postrouting a connection took the standby path (ORed in: other bits are left alone).</summary>
    public const uint MasqueradeMark = 0x00100000;

    /// <summary>Before the other dstnat chains (iptables-nft's nat table, kube-proxy): a frontend is ours, or not touched.</summary>
    private const string PreroutingPriority = "dstnat - 5";

    /// <summary>Before the node's egress masquerade (srcnat), so a standby flow gets one source NAT.</summary>
    private const string PostroutingPriority = "srcnat - 5";

    /// <summary>"axolotl_standby_BRIDGE" (one per node: several nodes on a machine each own theirs), hashed when the bridge is not a plain name.</summary>
    public static string TableName(string bridge) =>
        bridge.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
            ? "axolotl_standby_" + bridge
            : "axolotl_standby_" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(bridge)))[..12];

    /// <summary>"ip axolotl_standby_BRIDGE", as the host cleanup's inventory names tables.</summary>
    public static string QualifiedTableName(string bridge) => Family + " " + TableName(bridge);

    /// <summary>
    /// The whole table for <paramref name="snapshot"/>, replacing the previous one in one transaction. A frontend
    /// whose Service port has no usable endpoint gets no rule, so its connections are refused as the relay's are.
    /// </summary>
    public static string Script(string table, RoutingSnapshot snapshot)
    {
        var frontends = StandbyFrontends(snapshot);
        var chains = new Dictionary<(ServicePortName, bool External), int>();
        var script = new StringBuilder();
        // "add" makes the delete succeed on a first run; the three are one transaction.
        script.Append("add table ").Append(Family).Append(' ').Append(table).Append('\n');
        script.Append("delete table ").Append(Family).Append(' ').Append(table).Append('\n');
        script.Append("table ").Append(Family).Append(' ').Append(table).Append(" {\n");
        var elements = new List<string>();
        var bodies = new StringBuilder();
        foreach (var (frontend, target, endpoints) in frontends)
        {
            var key = (target.Service, target.IsExternal);
            if (!chains.TryGetValue(key, out var index))
            {
                index = chains.Count;
                chains[key] = index;
                EndpointChain(bodies, index, target, endpoints);
            }
            elements.Add($"{frontend.Address} . {Number(frontend.Port)} : jump ep_{Number(index)}");
        }
        script.Append("  map frontends {\n    type ipv4_addr . inet_service : verdict\n");
        if (elements.Count > 0)
        {
            script.Append("    elements = { ").Append(string.Join(", ", elements)).Append(" }\n");
        }
        script.Append("  }\n");
        script.Append("  chain prerouting {\n    type nat hook prerouting priority ").Append(PreroutingPriority).Append("; policy accept;\n");
        script.Append("    ip daddr . tcp dport vmap @frontends\n  }\n");
        script.Append("  chain postrouting {\n    type nat hook postrouting priority ").Append(PostroutingPriority).Append("; policy accept;\n");
        script.Append("    ct mark and ").Append(Hex(MasqueradeMark)).Append(" == ").Append(Hex(MasqueradeMark)).Append(" masquerade\n  }\n");
        script.Append(bodies);
        script.Append("}\n");
        return script.ToString();
    }

    /// <summary>The frontends the standby path serves, in a stable order (so an unchanged snapshot gives the same text).</summary>
    public static IReadOnlyList<(Frontend Frontend, FrontendTarget Target, IReadOnlyList<RouteEndpoint> Endpoints)> StandbyFrontends(RoutingSnapshot snapshot)
    {
        var result = new List<(Frontend, FrontendTarget, IReadOnlyList<RouteEndpoint>)>();
        foreach (var (frontend, target) in snapshot.Frontends)
        {
            // UDP stays with the relay (and DNS with the process); 127.0.0.1 only ever sees the node's own clients, which this path cannot serve.
            if (frontend.Transport != Transport.Tcp || frontend.Address.AddressFamily != AddressFamily.InterNetwork || IPAddress.IsLoopback(frontend.Address))
            {
                continue;
            }
            if (!snapshot.TryResolve(frontend, out _, out var route))
            {
                continue;
            }
            var endpoints = route.For(target);
            if (endpoints.Count > 0)
            {
                result.Add((frontend, target, endpoints));
            }
        }
        return [.. result
            .OrderBy(f => f.Item2.Service.ToString(), StringComparer.Ordinal)
            .ThenBy(f => f.Item2.Kind)
            .ThenBy(f => Api.Net.Ipv4Cidr.ToUInt(f.Item1.Address))
            .ThenBy(f => f.Item1.Port)];
    }

    /// <summary>
    /// One Service port's endpoints for internal (cluster IP) or external (node port, load balancer) traffic:
    /// a relay socket for the packet wins; otherwise a random endpoint, as kube-proxy's numgen rule picks one.
    /// `socket wildcard 0`, not merely "a socket": the relay binds each frontend's own address, and a program on
    /// the host listening on 0.0.0.0 with the same port must not take a Service's connections while the relay is gone.
    /// </summary>
    private static void EndpointChain(StringBuilder script, int index, FrontendTarget target, IReadOnlyList<RouteEndpoint> endpoints)
    {
        script.Append("  chain ep_").Append(Number(index)).Append(" {\n");
        script.Append("    # ").Append(target.Service.ToString()).Append(target.IsExternal ? " (external)" : " (cluster)").Append('\n');
        script.Append("    socket wildcard 0 accept\n");
        script.Append("    ct mark set ct mark or ").Append(Hex(MasqueradeMark)).Append('\n');
        var ordered = endpoints.OrderBy(e => Api.Net.Ipv4Cidr.ToUInt(e.EndPoint.Address)).ThenBy(e => e.EndPoint.Port).ToList();
        var map = string.Join(", ", ordered.Select((e, i) => $"{Number(i)} : {e.EndPoint.Address} . {Number(e.EndPoint.Port)}"));
        script.Append("    meta l4proto tcp dnat ip to numgen random mod ").Append(Number(ordered.Count)).Append(" map { ").Append(map).Append(" }\n");
        script.Append("  }\n");
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Hex(uint value) => "0x" + value.ToString("x8", CultureInfo.InvariantCulture);
}
