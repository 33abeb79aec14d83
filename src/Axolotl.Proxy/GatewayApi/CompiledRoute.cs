using Axolotl.Proxy.GatewayApi.Model;

namespace Axolotl.Proxy.GatewayApi;

/// <summary>
/// An HTTPRoute read once for every listener it attaches to: why it is refused (an Accepted=False condition), or its
/// rules' matches with their filters and backends; and its ResolvedRefs condition.
/// </summary>
public sealed record CompiledRoute(HTTPRoute Route, GatewayCondition? Refused, GatewayCondition ResolvedRefs, IReadOnlyList<CompiledRouteMatch> Matches)
{
    public string Key => $"{Route.Metadata.Namespace}/{Route.Metadata.Name}";
}

/// <summary>One match of one rule (<see cref="Rule"/>, <see cref="Index"/> within it) and the rule's filters and backends.</summary>
public sealed record CompiledRouteMatch(int Rule, int Index, GatewayRouteMatch Match, IReadOnlyList<HTTPRouteFilter> Filters, IReadOnlyList<GatewayBackend> Backends);
