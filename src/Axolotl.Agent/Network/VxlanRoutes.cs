using System.Globalization;

namespace Axolotl.Agent.Network;

/// <summary>
/// vxlan mode (flannel's backend of that name, its VNI 1 and the kernel's port 8472): every other
/// node's pod CIDR is routed onto this machine's VXLAN device, via a next hop (the remote CIDR's
/// network address) that a permanent neighbour entry resolves to the remote device's MAC, and a
/// forwarding entry sends frames for that MAC in UDP to the remote node's InternalIP. The remote kernel
/// decapsulates and routes to its bridge; nothing is NATed and any routed underlay will do. The three
/// kinds of entries are computed here from the Nodes (each publishes its device's MAC as
/// <see cref="MacAnnotation"/>), compared with what the kernel lists, and turned into ip/bridge batch lines.
/// </summary>
public static class VxlanRoutes
{
    /// <summary>The device every node on a machine shares (one per network namespace).</summary>
    public const string Device = "axl.vxlan";

    public const int Vni = 1;

    /// <summary>The Linux kernel's VXLAN port (flannel's default), not IANA's 4789.</summary>
    public const int Port = 8472;

    /// <summary>Bytes VXLAN over IPv4 adds to each packet: outer IPv4 20 + UDP 8 + VXLAN 8 + inner Ethernet 14.</summary>
    public const int Overhead = 50;

    /// <summary>The Node annotation holding that node's VXLAN device MAC (flannel: flannel.alpha.coreos.com/backend-data).</summary>
    public const string MacAnnotation = "axolotl.io/vxlan-mac";

    /// <summary>A remote node as the overlay sees it.</summary>
    public sealed record Peer(string Name, string? PodCidr, string? InternalIp, string? Mac, DateTimeOffset? Registered = null);

    /// <summary>What one remote node needs: its pod CIDR routed via <paramref name="NextHop"/>, which resolves to <paramref name="Mac"/>, reached at <paramref name="Underlay"/>.</summary>
    public sealed record Entry(string Cidr, string NextHop, string Mac, string Underlay);

    /// <summary>
    /// One entry per other node with a pod CIDR, an InternalIP and a MAC that all check out (<see cref="PeerFacts"/>);
    /// none for nodes on this machine's address (their bridges are local), none for a CIDR outside <paramref name="clusterCidr"/>
    /// or over <paramref name="selfCidr"/> or another node's, or a MAC another node has (<see cref="PeerFacts.RoutableRange"/>). Ordered by CIDR.
    /// </summary>
    public static IReadOnlyList<Entry> Desired(string selfName, string selfIp, IEnumerable<Peer> peers, string? clusterCidr = null, string? selfCidr = null)
    {
        var entries = new SortedDictionary<string, Entry>(StringComparer.Ordinal);
        // Oldest Node first, so of two nodes claiming one CIDR or one MAC every machine keeps the first claimant's.
        foreach (var peer in PeerFacts.ClaimOrder(peers, p => p.Registered, p => p.Name))
        {
            if (peer.Name == selfName || PeerFacts.Cidr(peer.PodCidr) is not { } cidr || PeerFacts.Ipv4(peer.InternalIp) is not { } underlay ||
                underlay == selfIp || PeerFacts.Mac(peer.Mac) is not { } mac ||
                !PeerFacts.RoutableRange(cidr, clusterCidr, selfCidr, entries.Keys) || entries.Values.Any(e => e.Mac == mac))
            {
                continue;
            }
            entries[cidr] = new Entry(cidr, cidr[..cidr.IndexOf('/', StringComparison.Ordinal)], mac, underlay);
        }
        return [.. entries.Values];
    }

    /// <summary>The kernel's current state, as listed by ip route / ip neigh / bridge fdb on the device.</summary>
    public sealed record Installed(IReadOnlyDictionary<string, string> Routes, IReadOnlyDictionary<string, string> Neighbours, IReadOnlyDictionary<string, string> Forwarding);

    /// <summary>The ip -batch lines (routes and neighbours) that turn <paramref name="installed"/> into <paramref name="desired"/>.</summary>
    public static IReadOnlyList<string> IpCommands(Installed installed, IReadOnlyList<Entry> desired, string sourceAddress)
    {
        var protocol = HostGatewayRoutes.Protocol.ToString(CultureInfo.InvariantCulture);
        var wantedRoutes = desired.ToDictionary(e => e.Cidr, e => e.NextHop, StringComparer.Ordinal);
        var wantedNeighbours = desired.ToDictionary(e => e.NextHop, e => e.Mac, StringComparer.Ordinal);
        var commands = new List<string>();
        foreach (var cidr in installed.Routes.Keys.Where(c => !wantedRoutes.ContainsKey(c)).Order(StringComparer.Ordinal))
        {
            commands.Add($"route del {cidr} proto {protocol}");
        }
        foreach (var address in installed.Neighbours.Keys.Where(a => !wantedNeighbours.ContainsKey(a)).Order(StringComparer.Ordinal))
        {
            commands.Add($"neigh del {address} dev {Device}");
        }
        foreach (var entry in desired)
        {
            // The neighbour first: the route's next hop resolves at once.
            if (installed.Neighbours.GetValueOrDefault(entry.NextHop) != entry.Mac)
            {
                commands.Add($"neigh replace {entry.NextHop} lladdr {entry.Mac} dev {Device} nud permanent");
            }
            if (installed.Routes.GetValueOrDefault(entry.Cidr) != entry.NextHop)
            {
                commands.Add($"route replace {entry.Cidr} via {entry.NextHop} dev {Device} onlink src {sourceAddress} proto {protocol}");
            }
        }
        return commands;
    }

    /// <summary>The bridge -batch lines for the device's forwarding database (remote MAC → remote InternalIP).</summary>
    public static IReadOnlyList<string> FdbCommands(Installed installed, IReadOnlyList<Entry> desired)
    {
        var wanted = desired.ToDictionary(e => e.Mac, e => e.Underlay, StringComparer.Ordinal);
        var commands = new List<string>();
        foreach (var (mac, underlay) in installed.Forwarding.Where(f => wanted.GetValueOrDefault(f.Key) != f.Value).OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            commands.Add($"fdb del {mac} dev {Device} dst {underlay}");
        }
        foreach (var entry in desired.Where(e => installed.Forwarding.GetValueOrDefault(e.Mac) != e.Underlay))
        {
            commands.Add($"fdb append {entry.Mac} dev {Device} dst {entry.Underlay} self permanent");
        }
        return commands;
    }

    /// <summary>"ip -4 route show proto 147 dev axl.vxlan": "10.244.3.0/24 via 10.244.3.0 onlink src 10.244.2.1" per line (CIDR → next hop).</summary>
    public static IReadOnlyDictionary<string, string> ParseRoutes(string listing) => HostGatewayRoutes.ParseInstalled(listing);

    /// <summary>"ip -4 neigh show dev axl.vxlan nud permanent": "10.244.3.0 lladdr 0a:1b:… PERMANENT" per line (address → MAC).</summary>
    public static IReadOnlyDictionary<string, string> ParseNeighbours(string listing) => Pairs(listing, "lladdr", first: 0);

    /// <summary>"bridge fdb show dev axl.vxlan": "0a:1b:… dst 192.168.77.3 self permanent" per line (MAC → InternalIP).</summary>
    public static IReadOnlyDictionary<string, string> ParseForwarding(string listing) => Pairs(listing, "dst", first: 0);

    private static Dictionary<string, string> Pairs(string listing, string keyword, int first)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in listing.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var at = Array.IndexOf(words, keyword);
            if (words.Length > first && at > first && at + 1 < words.Length)
            {
                pairs[words[first]] = words[at + 1];
            }
        }
        return pairs;
    }
}
