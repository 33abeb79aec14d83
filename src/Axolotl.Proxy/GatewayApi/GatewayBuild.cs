using Axolotl.Proxy.GatewayApi.Model;
using Axolotl.Proxy.Ingress;

namespace Axolotl.Proxy.GatewayApi;

/// <summary>
/// One build: the route table and per-port certificates to swap in, and what each GatewayClass, Gateway and HTTPRoute
/// of this controller should be told (the status writer adds the bind results, generations and times).
/// </summary>
public sealed record GatewayBuild(GatewayRouteTable Table, IReadOnlyDictionary<int, IngressCertificates> Certificates, IReadOnlyList<GatewayClassFacts> Classes,
    IReadOnlyList<GatewayFacts> Gateways, IReadOnlyList<RouteFacts> Routes);

public sealed record GatewayClassFacts(GatewayClass Class, IReadOnlyList<GatewayCondition> Conditions);

public sealed record GatewayFacts(Gateway Gateway, GatewayCondition Accepted, IReadOnlyList<GatewayListenerFacts> Listeners);

public sealed record RouteFacts(HTTPRoute Route, IReadOnlyList<RouteParentFacts> Parents);

public sealed record RouteParentFacts(ParentReference ParentRef, IReadOnlyList<GatewayCondition> Conditions);
