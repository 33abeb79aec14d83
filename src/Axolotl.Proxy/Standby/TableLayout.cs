using System.Net;
using Axolotl.Proxy.Routing;

namespace Axolotl.Proxy.Standby;

/// <summary>
/// What one write of the node's service table holds (<see cref="StandbyTable.Layout"/>): a chain per Service port and
/// direction with the endpoints its DNAT picks from, and the elements of the table's maps and of its hairpin set.
/// <see cref="Objects"/> are its chains and sets per Service port, by name: <see cref="StandbyTable.Changes"/> turns two
/// layouts into a small transaction of what differs instead of a whole table.
/// </summary>
public sealed record TableLayout(string Table, ProxyMode Mode, Axolotl.Api.Net.Ipv4Cidr? ClusterCidr, IReadOnlyList<TableChain> Chains, IReadOnlyList<MapElement> Elements,
    IReadOnlySet<uint> Hairpins, IReadOnlyList<TableObject> Objects)
{
    /// <summary>Relay mode: the relay's connections get a conntrack CLOSE timeout of 0 (<see cref="StandbyTable.RelayFlowTimeout"/>).</summary>
    public bool RelayFlowPolicy { get; init; }

    /// <summary>
    /// nftables mode: the bridge this node's pods are on. A marked connection DNATed to a pod behind it is not masqueraded
    /// (the pod answers through this node, its gateway, either way); only one DNATed to another node's pod is. Null
    /// masquerades every marked connection, as kube-proxy does.
    /// </summary>
    public string? LocalEndpointsVia { get; init; }
}

/// <summary>
/// A Service port's chain (its rules, without the `add rule` prefix) or set (<see cref="Body"/>: its declaration, as
/// `add set` takes it between braces), by its name in the table. <see cref="Comment"/> is for the whole table's readers only.
/// </summary>
public sealed record TableObject(string Name, bool IsSet, IReadOnlyList<string> Rules, string Body, string? Comment = null);

/// <summary>What a Service port's chain stands for across snapshots: its port, direction and protocol.</summary>
public readonly record struct ChainKey(ServicePortName Service, bool External, Transport Transport)
{
    public static ChainKey Of(TableFrontend entry) => new(entry.Target.Service, entry.Target.IsExternal, entry.Frontend.Transport);
}

/// <summary>
/// One Service port's chain (`ep_N`: masquerade marks and the counter) and its pick chain (`pick_N`: the DNAT over
/// <see cref="Endpoints"/>, empty when there is none), kept apart so a readiness hint rewrites the pick alone.
/// <see cref="HeldBack"/>: endpoints the agent's readiness hints leave out of the pick (issue 36: a sessionAffinity ClientIP
/// port keeps their client sets, so clients find their pod again when it recovers).
/// </summary>
public sealed record TableChain(int Index, TableFrontend Entry, IReadOnlyList<RouteEndpoint> Endpoints, IReadOnlyList<RouteEndpoint>? HeldBack = null)
{
    public ChainKey Key => ChainKey.Of(Entry);

    /// <summary>The endpoints as the DNAT rule lists them, for comparing two layouts.</summary>
    public string EndpointsText => string.Join(", ", Endpoints.Select(e => e.EndPoint.ToString()));
}

/// <summary>
/// One element of a verdict map: <see cref="Key"/> (`address . port`) → `jump ep_N`; or, <see cref="InSet"/>, of a set:
/// the key alone (the relay's frontends, which a filter chain looks up).
/// </summary>
public sealed record MapElement(string Map, string Key, int Chain)
{
    public bool InSet { get; init; }

    public string Text => InSet ? Key : $"{Key} : jump ep_{Chain.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}
