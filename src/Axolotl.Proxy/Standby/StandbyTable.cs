using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Axolotl.Api.Net;
using Axolotl.Proxy.Routing;

namespace Axolotl.Proxy.Standby;

/// <summary>
/// The node's nftables table for its Services' frontends, in one of two ways per frontend (<see cref="TablePath"/>).
/// <para>Standby (ADR 0026; every TCP frontend in `--proxy-mode relay`): a new connection is DNATed to one of the
/// endpoints only when no socket bound to the frontend's address would take it, that is while the relay is not
/// listening (the process is dead, stopping or restarting). While the relay listens, the `socket` lookup in prerouting
/// finds its listener and the packet is left to it, so replay, readiness draining and session affinity work as before.
/// Standby flows are masqueraded to the node (as the relay connects from the node); conntrack keeps them on their
/// endpoint after the relay returns. Not the node's own clients: the output hook's `socket` sees the client's socket.</para>
/// <para>Kernel (ADR 0030; `--proxy-mode nftables`): every new connection is DNATed, as kube-proxy's nftables mode does
/// (sessionAffinity ClientIP with per-endpoint sets of clients, as kube-proxy's too), and an output-hook chain does the same for the node's own
/// clients. Masqueraded only where kube-proxy masquerades: a client outside the cluster CIDR to a cluster IP, any client
/// to a node port or load balancer IP under externalTrafficPolicy Cluster, the node's own clients, and a pod reaching
/// itself through the Service (hairpin); a pod reaching another keeps its address, for the backend and for NetworkPolicy.</para>
/// UDP frontends are the kernel's in nftables mode only (no standby: the relay keeps them in relay mode); the writer
/// deletes the conntrack entries that would keep their clients on a departed endpoint (<see cref="UdpEndpoints"/>).
/// Neither path serves loopback frontends (no route_localnet: the relay keeps 127.0.0.1 node ports), nor the cluster
/// DNS's own address and port (the `reserved` frontends: the process answers there).
/// Pure: snapshot in, layout and `nft -f` scripts out.
/// </summary>
public static class StandbyTable
{
    public const string Family = "ip";

    /// <summary>The conntrack mark bit that tells postrouting a connection is to be masqueraded (ORed in: other bits are left alone).</summary>
    public const uint MasqueradeMark = 0x00100000;

    /// <summary>Before the other dstnat chains (iptables-nft's nat table, kube-proxy): a frontend is ours, or not touched.</summary>
    private const string PreroutingPriority = "dstnat - 5";

    /// <summary>The output hook's dstnat is -100 too, but nft takes the name `dstnat` in prerouting only.</summary>
    private const string OutputPriority = "-105";

    /// <summary>Before the node's egress masquerade (srcnat), so a flow gets one source NAT.</summary>
    private const string PostroutingPriority = "srcnat - 5";

    private const string FrontendsMap = "frontends";
    private const string LocalFrontendsMap = "local_frontends";
    private const string UdpFrontendsMap = "udp_frontends";
    private const string UdpLocalFrontendsMap = "udp_local_frontends";

    /// <summary>The standby frontends' keys without verdicts: a filter chain cannot look up a map of jumps to DNAT chains.</summary>
    private const string RelayFrontendsSet = "relay_frontends";

    /// <summary>"axolotl_standby_BRIDGE" (one per node: several nodes on a machine each own theirs), hashed when the bridge is not a plain name.</summary>
    public static string TableName(string bridge) =>
        bridge.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
            ? "axolotl_standby_" + bridge
            : "axolotl_standby_" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(bridge)))[..12];

    /// <summary>"ip axolotl_standby_BRIDGE", as the host cleanup's inventory names tables.</summary>
    public static string QualifiedTableName(string bridge) => Family + " " + TableName(bridge);

    /// <summary>
    /// The whole table for <paramref name="snapshot"/>, replacing the previous one in one transaction. A frontend
    /// whose Service port has no usable endpoint gets no element, so its connections are refused as the relay's are.
    /// </summary>
    /// <param name="clusterCidr">The pods' range: a client inside it keeps its address through a cluster IP (kernel path); null masquerades every client.</param>
    /// <param name="knownNotReady">
    /// The node agent's readiness hints (ADR 0003): a kernel frontend's endpoint this node already knows to be not ready
    /// (failed probe, exited container) gets no new connections, before its EndpointSlice says so, as the relay's picker
    /// skips it. A frontend left with none stays the kernel's, without an element: refused, as the relay refuses it.
    /// </param>
    /// <param name="reserved">Frontends the process serves itself whatever the Services say (the cluster DNS): never in the table.</param>
    public static string Script(string table, RoutingSnapshot snapshot, ProxyMode mode = ProxyMode.Relay, Ipv4Cidr? clusterCidr = null,
        Func<IPAddress, bool>? knownNotReady = null, IReadOnlySet<Frontend>? reserved = null) =>
        Render(Build(table, snapshot, mode, clusterCidr, knownNotReady, reserved));

    /// <summary>
    /// What <see cref="Script"/> writes, as chains and elements (see <see cref="TableLayout"/>). With <paramref name="previous"/>
    /// (the installed layout), a Service port keeps its chain number, so <see cref="Changes"/> can turn one into the other
    /// without renaming chains (and their counters and affinity sets survive); a new port takes the lowest number neither
    /// table uses (a whole write numbers afresh).
    /// </summary>
    /// <param name="relayFlowPolicy">Relay mode: the relay's connections get the <see cref="RelayFlowTimeout"/> policy (off on a kernel without conntrack timeout policies).</param>
    public static TableLayout Layout(string table, RoutingSnapshot snapshot, ProxyMode mode = ProxyMode.Relay, Ipv4Cidr? clusterCidr = null,
        Func<IPAddress, bool>? knownNotReady = null, IReadOnlySet<Frontend>? reserved = null, TableLayout? previous = null, bool relayFlowPolicy = true) =>
        Build(table, snapshot, mode, clusterCidr, knownNotReady, reserved, previous, relayFlowPolicy);

    private static TableLayout Build(string table, RoutingSnapshot snapshot, ProxyMode mode, Ipv4Cidr? clusterCidr, Func<IPAddress, bool>? knownNotReady,
        IReadOnlySet<Frontend>? reserved, TableLayout? previous = null, bool relayFlowPolicy = true)
    {
        relayFlowPolicy &= mode == ProxyMode.Relay;
        var frontends = Frontends(snapshot, mode, reserved);
        // One chain per Service port, protocol and direction whatever the hints say, so a hint never renumbers a chain.
        var numbers = new Dictionary<ChainKey, int>();
        var kept = previous?.Chains.Select(c => c.Key).ToHashSet() ?? [];
        foreach (var entry in frontends)
        {
            var key = ChainKey.Of(entry);
            if (kept.Contains(key))
            {
                numbers[key] = previous!.Chains.First(c => c.Key == key).Index;
            }
        }
        // Not a number a departing port leaves in the same change: the new port's chains are new, not another's (its counter).
        var taken = numbers.Values.Concat(previous?.Chains.Select(c => c.Index) ?? []).ToHashSet();
        var next = 0;
        foreach (var entry in frontends)
        {
            var key = ChainKey.Of(entry);
            if (!numbers.ContainsKey(key))
            {
                while (taken.Contains(next))
                {
                    next++;
                }
                numbers[key] = next;
                taken.Add(next);
            }
        }
        var chains = new Dictionary<ChainKey, TableChain>();
        var elements = new List<MapElement>();
        var hairpins = new SortedSet<uint>();
        foreach (var entry in frontends)
        {
            var key = ChainKey.Of(entry);
            if (!chains.TryGetValue(key, out var chain))
            {
                var hinted = entry.Path == TablePath.Kernel && knownNotReady is not null;
                var usable = hinted ? entry.Endpoints.Where(e => !knownNotReady!(e.EndPoint.Address)) : entry.Endpoints;
                var heldBack = hinted ? entry.Endpoints.Where(e => knownNotReady!(e.EndPoint.Address)) : [];
                chain = new TableChain(numbers[key], entry, [.. usable.OrderBy(e => Ipv4Cidr.ToUInt(e.EndPoint.Address)).ThenBy(e => e.EndPoint.Port)],
                    [.. heldBack.OrderBy(e => Ipv4Cidr.ToUInt(e.EndPoint.Address)).ThenBy(e => e.EndPoint.Port)]);
                chains[key] = chain;
            }
            if (chain.Endpoints.Count == 0)
            {
                continue;
            }
            var element = $"{entry.Frontend.Address} . {Number(entry.Frontend.Port)}";
            var udp = entry.Frontend.Transport == Transport.Udp;
            elements.Add(new MapElement(udp ? UdpFrontendsMap : FrontendsMap, element, chain.Index));
            if (entry.Path == TablePath.Standby && relayFlowPolicy)
            {
                elements.Add(new MapElement(RelayFrontendsSet, element, chain.Index) { InSet = true });
            }
            if (entry.Path == TablePath.Kernel)
            {
                elements.Add(new MapElement(udp ? UdpLocalFrontendsMap : LocalFrontendsMap, element, chain.Index));
                hairpins.UnionWith(chain.Endpoints.Select(e => Ipv4Cidr.ToUInt(e.EndPoint.Address)));
            }
        }
        var ordered = chains.Values.OrderBy(c => c.Index).ToList();
        var objects = new List<TableObject>();
        foreach (var chain in ordered)
        {
            objects.AddRange(Objects(chain, clusterCidr));
        }
        return new TableLayout(table, mode, clusterCidr, ordered, elements, hairpins, objects) { RelayFlowPolicy = relayFlowPolicy };
    }

    /// <summary>The whole table of <paramref name="layout"/>, replacing the previous one in one transaction.</summary>
    public static string Render(TableLayout layout)
    {
        var table = layout.Table;
        var script = new StringBuilder();
        // "add" makes the delete succeed on a first run; the three are one transaction.
        script.Append("add table ").Append(Family).Append(' ').Append(table).Append('\n');
        script.Append("delete table ").Append(Family).Append(' ').Append(table).Append('\n');
        script.Append("table ").Append(Family).Append(' ').Append(table).Append(" {\n");
        Map(script, FrontendsMap, layout.Elements);
        script.Append("  chain prerouting {\n    type nat hook prerouting priority ").Append(PreroutingPriority).Append("; policy accept;\n");
        script.Append("    ip daddr . tcp dport vmap @").Append(FrontendsMap).Append('\n');
        if (layout.Mode == ProxyMode.Nftables)
        {
            script.Append("    ip daddr . udp dport vmap @").Append(UdpFrontendsMap).Append('\n');
        }
        script.Append("  }\n");
        if (layout.Mode == ProxyMode.Nftables)
        {
            Map(script, UdpFrontendsMap, layout.Elements);
            // The node's own clients (host processes to a cluster IP or a node address's node port): only kernel frontends,
            // since a standby chain's socket check would see the client's own socket here.
            Map(script, LocalFrontendsMap, layout.Elements);
            Map(script, UdpLocalFrontendsMap, layout.Elements);
            script.Append("  chain output {\n    type nat hook output priority ").Append(OutputPriority).Append("; policy accept;\n");
            script.Append("    ip daddr . tcp dport vmap @").Append(LocalFrontendsMap).Append('\n');
            script.Append("    ip daddr . udp dport vmap @").Append(UdpLocalFrontendsMap).Append("\n  }\n");
            // nft compares no two packet fields, so "source is the endpoint itself" is a set of (endpoint . endpoint) pairs.
            script.Append("  set hairpin {\n    type ipv4_addr . ipv4_addr\n");
            if (layout.Hairpins.Count > 0)
            {
                script.Append("    elements = { ").Append(string.Join(", ", layout.Hairpins.Select(Hairpin))).Append(" }\n");
            }
            script.Append("  }\n");
            if (layout.ClusterCidr is { } pods)
            {
                Refusals(script, pods);
            }
        }
        if (layout.RelayFlowPolicy)
        {
            RelayFlows(script, layout.Elements);
        }
        script.Append("  chain postrouting {\n    type nat hook postrouting priority ").Append(PostroutingPriority).Append("; policy accept;\n");
        // Kernel mode masquerades the node's own clients and outside ones: fully-random, as kube-proxy, so two new connections
        // never race for one source port (a lost race drops the SYN: a 1 s retransmit). Not to a pod on this node's bridge
        // (LocalEndpointsVia): it answers through the node anyway, and keeps the client's address (ADR 0030). Masqueraded,
        // every client lands in the one port space of the node's address at the pod, where a SYN from one client meets
        // the TIME_WAIT another client's connection left, with another timestamp clock: about half are refused, and each
        // costs its client a second (issue 36's NodePort at 0.71-0.88x direct).
        var masquerade = layout.Mode == ProxyMode.Nftables ? "masquerade fully-random" : "masquerade";
        var remoteOnly = layout.Mode == ProxyMode.Nftables && layout.LocalEndpointsVia is { } bridge ? $"oifname != \"{bridge}\" " : "";
        script.Append("    ct mark and ").Append(Hex(MasqueradeMark)).Append(" == ").Append(Hex(MasqueradeMark)).Append(' ').Append(remoteOnly).Append(masquerade).Append('\n');
        if (layout.Mode == ProxyMode.Nftables)
        {
            // A pod that reached itself through a Service: without the node's address its answer would stay inside the pod.
            script.Append("    ct status dnat ip saddr . ip daddr @hairpin ").Append(masquerade).Append('\n');
        }
        script.Append("  }\n");
        foreach (var item in layout.Objects)
        {
            if (item.IsSet)
            {
                script.Append("  set ").Append(item.Name).Append(" {\n    ").Append(item.Body.Replace("; ", "\n    ", StringComparison.Ordinal).TrimEnd(';')).Append("\n  }\n");
                continue;
            }
            script.Append("  chain ").Append(item.Name).Append(" {\n");
            if (item.Comment is { } comment)
            {
                script.Append("    # ").Append(comment).Append('\n');
            }
            foreach (var rule in item.Rules)
            {
                script.Append("    ").Append(rule).Append('\n');
            }
            script.Append("  }\n");
        }
        script.Append("}\n");
        return script.ToString();
    }

    /// <summary>
    /// Whether <see cref="Changes"/> can turn the table of <paramref name="before"/> into that of <paramref name="after"/>:
    /// the same table, mode and cluster CIDR (the fixed chains and rules), and no affinity set whose timeout changed
    /// (nft cannot change a set's timeout in place; the whole table makes it anew).
    /// </summary>
    public static bool CanChange(TableLayout before, TableLayout after)
    {
        if (before.Table != after.Table || before.Mode != after.Mode || before.ClusterCidr != after.ClusterCidr || before.RelayFlowPolicy != after.RelayFlowPolicy
            || before.LocalEndpointsVia != after.LocalEndpointsVia)
        {
            return false;
        }
        var sets = before.Objects.Where(o => o.IsSet).ToDictionary(o => o.Name, o => o.Body);
        return after.Objects.Where(o => o.IsSet).All(o => !sets.TryGetValue(o.Name, out var body) || body == o.Body);
    }

    /// <summary>
    /// The transaction that turns the table of <paramref name="before"/> into that of <paramref name="after"/> (see
    /// <see cref="CanChange"/>; number <paramref name="after"/> from <paramref name="before"/>, <see cref="Layout"/>'s
    /// `previous`): the elements that go, the chains and sets that go (flushed first, so nothing refers to them), the
    /// chains whose rules changed (flushed and written again), the chains and sets that come, the elements that come.
    /// Chains and sets left alone keep their counters and affinity entries. Empty when nothing changed. nft applies the
    /// file as one transaction, so no packet meets half of it.
    /// </summary>
    public static string Changes(TableLayout before, TableLayout after)
    {
        if (!CanChange(before, after))
        {
            throw new ArgumentException("a change between two layouts of different tables, modes or affinity timeouts is a whole new table", nameof(after));
        }
        var table = $"{Family} {after.Table}";
        var script = new StringBuilder();
        var maps = new[] { FrontendsMap, LocalFrontendsMap, UdpFrontendsMap, UdpLocalFrontendsMap, RelayFrontendsSet };
        foreach (var map in maps)
        {
            // An element that now jumps elsewhere (its address taken by another Service port) goes and comes again.
            var now = after.Elements.Where(e => e.Map == map).Select(e => e.Text).ToHashSet();
            var gone = before.Elements.Where(e => e.Map == map && !now.Contains(e.Text)).Select(e => e.Key).ToList();
            if (gone.Count > 0)
            {
                script.Append("delete element ").Append(table).Append(' ').Append(map).Append(" { ").Append(string.Join(", ", gone)).Append(" }\n");
            }
        }
        var hairpinsGone = before.Hairpins.Except(after.Hairpins).ToList();
        if (hairpinsGone.Count > 0)
        {
            script.Append("delete element ").Append(table).Append(" hairpin { ").Append(string.Join(", ", hairpinsGone.Select(Hairpin))).Append(" }\n");
        }
        var old = before.Objects.ToDictionary(o => o.Name);
        var now2 = after.Objects.ToDictionary(o => o.Name);
        var goneObjects = before.Objects.Where(o => !now2.ContainsKey(o.Name)).ToList();
        var changed = after.Objects.Where(o => !o.IsSet && old.TryGetValue(o.Name, out var was) && !was.Rules.SequenceEqual(o.Rules)).ToList();
        var come = after.Objects.Where(o => !old.ContainsKey(o.Name)).ToList();
        foreach (var chain in goneObjects.Where(o => !o.IsSet).Concat(changed))
        {
            script.Append("flush chain ").Append(table).Append(' ').Append(chain.Name).Append('\n');
        }
        foreach (var item in goneObjects)
        {
            script.Append(item.IsSet ? "delete set " : "delete chain ").Append(table).Append(' ').Append(item.Name).Append('\n');
        }
        foreach (var item in come)
        {
            script.Append(item.IsSet ? "add set " : "add chain ").Append(table).Append(' ').Append(item.Name);
            script.Append(item.IsSet ? $" {{ {item.Body} }}\n" : "\n");
        }
        foreach (var chain in after.Objects.Where(o => !o.IsSet && (!old.ContainsKey(o.Name) || changed.Contains(o))))
        {
            foreach (var rule in chain.Rules)
            {
                script.Append("add rule ").Append(table).Append(' ').Append(chain.Name).Append(' ').Append(rule).Append('\n');
            }
        }
        foreach (var map in maps)
        {
            var was = before.Elements.Where(e => e.Map == map).Select(e => e.Text).ToHashSet();
            var added = after.Elements.Where(e => e.Map == map && !was.Contains(e.Text)).Select(e => e.Text).ToList();
            if (added.Count > 0)
            {
                script.Append("add element ").Append(table).Append(' ').Append(map).Append(" { ").Append(string.Join(", ", added)).Append(" }\n");
            }
        }
        var hairpinsCome = after.Hairpins.Except(before.Hairpins).ToList();
        if (hairpinsCome.Count > 0)
        {
            script.Append("add element ").Append(table).Append(" hairpin { ").Append(string.Join(", ", hairpinsCome.Select(Hairpin))).Append(" }\n");
        }
        return script.ToString();
    }

    /// <summary>The frontends the table serves, in a stable order (so an unchanged snapshot gives the same text).</summary>
    public static IReadOnlyList<TableFrontend> Frontends(RoutingSnapshot snapshot, ProxyMode mode = ProxyMode.Relay, IReadOnlySet<Frontend>? reserved = null)
    {
        var result = new List<TableFrontend>();
        foreach (var (frontend, target) in snapshot.Frontends)
        {
            // 127.0.0.1 only ever sees the node's own clients and would need route_localnet, which kube-proxy's nftables
            // mode does not set either; the cluster DNS's address and port are the process's.
            if (frontend.Address.AddressFamily != AddressFamily.InterNetwork || IPAddress.IsLoopback(frontend.Address) || reserved?.Contains(frontend) == true)
            {
                continue;
            }
            if (!snapshot.TryResolve(frontend, out _, out var route))
            {
                continue;
            }
            var path = PathFor(route, mode);
            // UDP has no standby path: the kernel's in nftables mode, the relay's otherwise.
            if (frontend.Transport == Transport.Udp && path != TablePath.Kernel)
            {
                continue;
            }
            var endpoints = route.For(target);
            if (endpoints.Count > 0)
            {
                result.Add(new TableFrontend(frontend, target, route, endpoints, path));
            }
        }
        return [.. result
            .OrderBy(f => f.Target.Service.ToString(), StringComparer.Ordinal)
            .ThenBy(f => f.Frontend.Transport)
            .ThenBy(f => f.Target.Kind)
            .ThenBy(f => Ipv4Cidr.ToUInt(f.Frontend.Address))
            .ThenBy(f => f.Frontend.Port)];
    }

    /// <summary>
    /// The kernel path for every Service port in nftables mode, sessionAffinity ClientIP included (per-endpoint affinity
    /// sets, which changes keep: <see cref="Changes"/>); the standby path in relay mode.
    /// </summary>
    public static TablePath PathFor(ServiceRoute route, ProxyMode mode) =>
        mode == ProxyMode.Nftables ? TablePath.Kernel : TablePath.Standby;

    /// <summary>The frontends this table hands to the kernel outright: the relay need not listen on them.</summary>
    public static IReadOnlySet<Frontend> KernelFrontends(RoutingSnapshot snapshot, ProxyMode mode, IReadOnlySet<Frontend>? reserved = null) =>
        Frontends(snapshot, mode, reserved).Where(f => f.Path == TablePath.Kernel).Select(f => f.Frontend).ToHashSet();

    /// <summary>
    /// Each kernel UDP frontend and the endpoint addresses a client's conntrack entry may keep pointing at: the Service
    /// port's serving endpoints, whatever the traffic policies (a policy change must not cut existing flows, as
    /// kube-proxy's cleanup), without those the agent knows not ready here (they left the DNAT too). Also the frontends
    /// with none, so the writer can tell a frontend without endpoints from one that is gone.
    /// </summary>
    public static IReadOnlyDictionary<IPEndPoint, IReadOnlySet<IPAddress>> UdpEndpoints(RoutingSnapshot snapshot, ProxyMode mode,
        Func<IPAddress, bool>? knownNotReady = null, IReadOnlySet<Frontend>? reserved = null)
    {
        var result = new Dictionary<IPEndPoint, IReadOnlySet<IPAddress>>();
        foreach (var entry in Frontends(snapshot, mode, reserved))
        {
            if (entry.Frontend.Transport == Transport.Udp && entry.Path == TablePath.Kernel)
            {
                result[new IPEndPoint(entry.Frontend.Address, entry.Frontend.Port)] = entry.Route.All
                    .Where(e => e.Serving && knownNotReady?.Invoke(e.EndPoint.Address) != true)
                    .Select(e => e.EndPoint.Address)
                    .ToHashSet();
            }
        }
        return result;
    }

    /// <summary>
    /// One Service port's chains (and affinity sets): `ep_N` for internal (cluster IP) or external (node port, load
    /// balancer) traffic, ending in `pick_N`, which DNATs at random as kube-proxy's numgen rule picks one. Standby: a relay
    /// socket for the packet wins (`socket wildcard 0`, not merely "a socket": the relay binds each frontend's own address,
    /// and a program on the host listening on 0.0.0.0 with the same port must not take a Service's connections while the
    /// relay is gone), and every flow is masqueraded. Kernel: no socket check, masqueraded as kube-proxy does (see the
    /// class summary), with a counter for operators (in `ep_N`, so a change of the pick chain keeps it).
    /// </summary>
    private static IEnumerable<TableObject> Objects(TableChain chain, Ipv4Cidr? clusterCidr)
    {
        var entry = chain.Entry;
        var target = entry.Target;
        var n = Number(chain.Index);
        var mark = "ct mark set ct mark or " + Hex(MasqueradeMark);
        var rules = new List<string>();
        if (entry.Path == TablePath.Standby)
        {
            rules.Add("socket wildcard 0 accept");
            rules.Add(mark);
        }
        else if (target.IsExternal && !entry.Route.ExternalLocal)
        {
            // externalTrafficPolicy Cluster: the endpoint may be on another node, whose answer must come back through this one.
            rules.Add(mark);
        }
        else
        {
            if (!target.IsExternal)
            {
                rules.Add((clusterCidr is { } cidr ? $"ip saddr != {cidr} " : "") + mark);
            }
            // The node's own clients: their source is one of its addresses (for a cluster IP, often the cluster IP itself).
            rules.Add("fib saddr type local " + mark);
        }
        if (entry.Path == TablePath.Kernel)
        {
            rules.Add("counter");
        }
        rules.Add("goto pick_" + n);
        var comment = target.Service + (target.IsExternal ? " (external)" : " (cluster)") + (entry.Path == TablePath.Kernel ? " kernel" : "");
        yield return new TableObject("ep_" + n, IsSet: false, rules, "", comment);
        var protocol = entry.Frontend.Transport == Transport.Udp ? "udp" : "tcp";
        var affinity = entry.Path == TablePath.Kernel ? entry.Route.AffinityTimeout : null;
        var seconds = affinity is { } timeout ? Number((int)Math.Max(1, Math.Ceiling(timeout.TotalSeconds))) : "";
        string AffinityName(RouteEndpoint e) => $"{n}_{Ipv4Cidr.ToUInt(e.EndPoint.Address):x8}_{Number(e.EndPoint.Port)}";
        TableObject AffinitySet(string name) => new("aff_" + name, IsSet: true, [], $"type ipv4_addr; flags dynamic,timeout; timeout {seconds}s;");
        if (affinity is not null)
        {
            // An endpoint only held back by a hint keeps its clients (no pick rule sends them there meanwhile): when the pod
            // recovers, its clients come back to it, as long as their entries have not timed out.
            foreach (var held in chain.HeldBack ?? [])
            {
                yield return AffinitySet(AffinityName(held));
            }
        }
        if (chain.Endpoints.Count == 0)
        {
            yield return new TableObject("pick_" + n, IsSet: false, [], "");
            yield break;
        }
        if (affinity is null)
        {
            var map = string.Join(", ", chain.Endpoints.Select((e, i) => $"{Number(i)} : {e.EndPoint.Address} . {Number(e.EndPoint.Port)}"));
            yield return new TableObject("pick_" + n, IsSet: false,
                [$"meta l4proto {protocol} dnat ip to numgen random mod {Number(chain.Endpoints.Count)} map {{ {map} }}"], "");
            yield break;
        }
        // sessionAffinity ClientIP, as kube-proxy's nftables mode: a dynamic set of client addresses per endpoint, with the
        // Service's timeout, looked up before the random pick and refreshed by every new connection that lands there. Named
        // after the endpoint, so a change that keeps it keeps its clients, and one that drops it drops them with it.
        var names = chain.Endpoints.Select(AffinityName).ToList();
        var pick = names.Select(name => $"ip saddr @aff_{name} goto aep_{name}").ToList();
        pick.Add($"numgen random mod {Number(names.Count)} vmap {{ {string.Join(", ", names.Select((name, i) => $"{Number(i)} : goto aep_{name}"))} }}");
        yield return new TableObject("pick_" + n, IsSet: false, pick, "");
        foreach (var (endpoint, name) in chain.Endpoints.Zip(names))
        {
            yield return AffinitySet(name);
            yield return new TableObject("aep_" + name, IsSet: false,
                [$"update @aff_{name} {{ ip saddr }}", $"meta l4proto {protocol} dnat ip to {endpoint.EndPoint.Address}:{Number(endpoint.EndPoint.Port)}"], "");
        }
    }

    /// <summary>
    /// An endpoint that refuses a connection the kernel just DNATed to it (its RST answers the SYN: the process died and the
    /// agent's hint has not yet taken it out of the table, or its replacement does not listen yet) has that RST dropped, for
    /// <see cref="RefusalWindow"/> from its first refusal: conntrack has already deleted the entry ("only reply is a RST",
    /// nf_conntrack_proto_tcp), so the client's SYN retransmit (1 s later) is DNATed afresh, to an endpoint the table still has.
    /// An endpoint that keeps refusing past the window (nothing listens on its port at all) is refused again, as kube-proxy
    /// refuses it, until it has not refused for <see cref="RefusalMemory"/>. Only replies from pods (the cluster CIDR) of
    /// connections DNATed and not yet established; the sets are bounded, and a full set lets the RST through.
    /// </summary>
    private static void Refusals(StringBuilder script, Ipv4Cidr pods)
    {
        var key = "ip saddr . tcp sport";
        script.Append("  set refusing_new {\n    type ipv4_addr . inet_service\n    flags dynamic,timeout\n    timeout ")
            .Append(Number((int)RefusalWindow.TotalSeconds)).Append("s\n    size ").Append(Number(RefusalSetSize)).Append("\n  }\n");
        script.Append("  set refusing {\n    type ipv4_addr . inet_service\n    flags dynamic,timeout\n    timeout ")
            .Append(Number((int)RefusalMemory.TotalSeconds)).Append("s\n    size ").Append(Number(RefusalSetSize)).Append("\n  }\n");
        // After conntrack (-200), before the reply's source is translated back (input/postrouting): the endpoint's own address.
        script.Append("  chain refusals {\n    type filter hook prerouting priority mangle; policy accept;\n");
        script.Append("    tcp flags & (syn | rst) == rst ct direction reply ct status & (dnat | assured) == dnat ip saddr ").Append(pods)
            .Append(" goto refused\n  }\n");
        script.Append("  chain refused {\n");
        script.Append("    ").Append(key).Append(" @refusing_new update @refusing { ").Append(key).Append(" } counter drop\n");
        // Counted too, so an operator sees refusals that passed (an endpoint that kept refusing past its window).
        script.Append("    ").Append(key).Append(" @refusing update @refusing { ").Append(key).Append(" } counter accept\n");
        script.Append("    add @refusing_new { ").Append(key).Append(" } update @refusing { ").Append(key).Append(" } counter drop\n  }\n");
    }

    /// <summary>
    /// The relay's own connections to a standby frontend get a conntrack CLOSE timeout of 0 (<see cref="RelayFlowTimeout"/>),
    /// so one that ends in a reset is forgotten at once. Without it, a relay connection reset by the process's death (its
    /// request unread, or still in the accept queue) keeps a conntrack entry without NAT in state CLOSE for 10 s, and a
    /// client that opens a new connection from the same port meanwhile has its SYN attached to that entry: conntrack
    /// reopens an entry only after a FIN or a reset from the client's side, and otherwise "ignores" the SYN, which keeps
    /// the old entry and its absent DNAT. The standby chain never sees a new connection, no relay listens, and the node
    /// refuses it (issue 36's flake: one refusal per few kills under load). A timeout policy is set on a new entry only,
    /// between conntrack and its confirmation, hence a filter chain after conntrack (mangle), with the standby chains' socket check.
    /// </summary>
    private static void RelayFlows(StringBuilder script, IReadOnlyList<MapElement> all)
    {
        var elements = all.Where(e => e.Map == RelayFrontendsSet).Select(e => e.Text).ToList();
        script.Append("  set ").Append(RelayFrontendsSet).Append(" {\n    type ipv4_addr . inet_service\n");
        if (elements.Count > 0)
        {
            script.Append("    elements = { ").Append(string.Join(", ", elements)).Append(" }\n");
        }
        script.Append("  }\n");
        script.Append("  ct timeout ").Append(RelayFlowTimeout).Append(" {\n    protocol tcp\n    l3proto ip\n    policy = { close : 0 }\n  }\n");
        script.Append("  chain relay_flows {\n    type filter hook prerouting priority mangle; policy accept;\n");
        // New entries only (the policy cannot change a confirmed one), so an established flow's packets skip the socket lookup.
        script.Append("    ct state new ip daddr . tcp dport @").Append(RelayFrontendsSet).Append(" socket wildcard 0 counter ct timeout set \"").Append(RelayFlowTimeout).Append("\"\n  }\n");
    }

    /// <summary>The conntrack timeout policy of the relay's connections to standby frontends (see <see cref="RelayFlows"/>).</summary>
    public const string RelayFlowTimeout = "relay_flow";

    /// <summary>How long after an endpoint's first refusal its refusals are dropped (the client's SYN is retransmitted 1 s and 3 s after it was sent).</summary>
    public static readonly TimeSpan RefusalWindow = TimeSpan.FromSeconds(2);

    /// <summary>How long an endpoint that kept refusing past the window is remembered as refusing (its refusals pass, as kube-proxy's).</summary>
    public static readonly TimeSpan RefusalMemory = TimeSpan.FromSeconds(10);

    /// <summary>Bounds the refusal sets (a hostile pod cannot grow them): when full, a refusal passes.</summary>
    public const int RefusalSetSize = 65536;

    private static string Hairpin(uint ip) => $"{Ipv4Cidr.Format(ip)} . {Ipv4Cidr.Format(ip)}";

    private static void Map(StringBuilder script, string name, IReadOnlyList<MapElement> all)
    {
        var elements = all.Where(e => e.Map == name).Select(e => e.Text).ToList();
        script.Append("  map ").Append(name).Append(" {\n    type ipv4_addr . inet_service : verdict\n");
        if (elements.Count > 0)
        {
            script.Append("    elements = { ").Append(string.Join(", ", elements)).Append(" }\n");
        }
        script.Append("  }\n");
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Hex(uint value) => "0x" + value.ToString("x8", CultureInfo.InvariantCulture);
}
