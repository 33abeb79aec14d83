using System.Globalization;

namespace Axolotl.Agent.Network;

/// <summary>
/// host-gw mode (flannel's backend of that name): every other node's pod CIDR is routed via that
/// node's InternalIP, which must be on a link this machine shares. The routes carry their own protocol
/// number (<see cref="Protocol"/>) so the set installed by an earlier run can be listed and pruned
/// without a state file. Each route names this node's pod gateway as the preferred source: traffic the
/// host itself sends to a remote pod (the service proxy, DNS forwarding, probes) then comes from an
/// address inside the cluster CIDR, and the remote node's bridge routes the reply back without its
/// egress masquerade (which leaves cluster destinations alone). Pod-to-pod traffic is routed, never NATed.
/// </summary>
public static class HostGatewayRoutes
{
    /// <summary>The rtnetlink protocol our routes carry ("ip route show proto 147"); unassigned in iproute2's rt_protos.</summary>
    public const int Protocol = 147;

    /// <summary>A remote node as routing sees it: its name, pod CIDR and InternalIP, and when its Node was created (the server sets it; null: unknown).</summary>
    public sealed record Peer(string Name, string PodCidr, string InternalIp, DateTimeOffset? Registered = null);

    /// <summary>
    /// The route each other node needs: none for this node, for nodes on this machine's address (their bridge is
    /// local), or for nodes whose CIDR or address is missing or not a plain IPv4 value (<see cref="PeerFacts"/>), or
    /// whose CIDR lies outside <paramref name="clusterCidr"/> or over <paramref name="selfCidr"/> or another node's
    /// (<see cref="PeerFacts.RoutableRange"/>; of two claimants every machine keeps the older Node's, <see cref="PeerFacts.ClaimOrder{T}"/>).
    /// </summary>
    public static IReadOnlyDictionary<string, string> Desired(string selfName, string selfIp, IEnumerable<Peer> peers, string? clusterCidr = null, string? selfCidr = null)
    {
        var routes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var peer in PeerFacts.ClaimOrder(peers, p => p.Registered, p => p.Name))
        {
            if (peer.Name == selfName || PeerFacts.Cidr(peer.PodCidr) is not { } cidr || PeerFacts.Ipv4(peer.InternalIp) is not { } ip || ip == selfIp ||
                !PeerFacts.RoutableRange(cidr, clusterCidr, selfCidr, routes.Keys))
            {
                continue;
            }
            routes[cidr] = ip;
        }
        return routes;
    }

    /// <summary>The ip -batch commands that turn <paramref name="installed"/> (destination → gateway) into <paramref name="desired"/>.</summary>
    public static IReadOnlyList<string> Commands(IReadOnlyDictionary<string, string> installed, IReadOnlyDictionary<string, string> desired, string sourceAddress)
    {
        var protocol = Protocol.ToString(CultureInfo.InvariantCulture);
        var commands = new List<string>();
        foreach (var (cidr, _) in installed.Where(r => !desired.ContainsKey(r.Key)).OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            commands.Add($"route del {cidr} proto {protocol}");
        }
        foreach (var (cidr, via) in desired.Where(r => installed.GetValueOrDefault(r.Key) != r.Value).OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            commands.Add($"route replace {cidr} via {via} src {sourceAddress} proto {protocol}");
        }
        return commands;
    }

    /// <summary>Parses "ip route show proto 147": "10.244.1.0/24 via 192.168.77.3 dev eth0 src 10.244.0.1" per line.</summary>
    public static IReadOnlyDictionary<string, string> ParseInstalled(string listing)
    {
        var routes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in listing.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var via = Array.IndexOf(words, "via");
            if (words.Length > 0 && via > 0 && via + 1 < words.Length)
            {
                routes[Canonical(words[0])] = words[via + 1];
            }
        }
        return routes;
    }

    /// <summary>"10.244.1.0/24" stays; a bare address (a /32 the kernel prints without its length) gets "/32".</summary>
    private static string Canonical(string cidr) => cidr.Contains('/', StringComparison.Ordinal) ? cidr : cidr + "/32";
}
