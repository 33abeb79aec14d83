using System.Net;
using Axolotl.Proxy.Routing;

namespace Axolotl.Proxy.Standby;

/// <summary>
/// What one write of the node's service table holds (<see cref="StandbyTable.Layout"/>): a chain per Service port and
/// direction with the endpoints its DNAT picks from, and the elements of the table's maps and of its hairpin set.
/// Two layouts with the same <see cref="Skeleton"/> differ only in endpoints and elements, which
/// <see cref="StandbyTable.Changes"/> turns into a small transaction instead of a whole table.
/// </summary>
public sealed record TableLayout(string Table, ProxyMode Mode, Axolotl.Api.Net.Ipv4Cidr? ClusterCidr, IReadOnlyList<TableChain> Chains, IReadOnlyList<MapElement> Elements,
    IReadOnlySet<uint> Hairpins)
{
    /// <summary>The table without the agent's readiness hints applied: equal skeletons mean the same chains and rules.</summary>
    public required string Skeleton { get; init; }
}

/// <summary>
/// One Service port's chain (`ep_N`: masquerade marks and the counter) and its pick chain (`pick_N`: the DNAT over
/// <see cref="Endpoints"/>, empty when there is none), kept apart so a readiness hint rewrites the pick alone.
/// </summary>
public sealed record TableChain(int Index, TableFrontend Entry, IReadOnlyList<RouteEndpoint> Endpoints)
{
    /// <summary>The endpoints as the DNAT rule lists them, for comparing two layouts.</summary>
    public string EndpointsText => string.Join(", ", Endpoints.Select(e => e.EndPoint.ToString()));
}

/// <summary>One element of a verdict map: <see cref="Key"/> (`address . port`) → `jump ep_N`.</summary>
public sealed record MapElement(string Map, string Key, int Chain)
{
    public string Text => $"{Key} : jump ep_{Chain.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}
