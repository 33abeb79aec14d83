using Axolotl.Proxy.Ingress;

namespace Axolotl.Proxy.GatewayApi;

/// <summary>
/// One backendRef of a rule and its share of the requests. <see cref="Target"/> is null for a ref that did not
/// resolve (no Service, another kind, a cross-namespace ref without a ReferenceGrant): its share gets a 500, as the
/// Gateway API requires, and <see cref="Problem"/> says why.
/// </summary>
public sealed record GatewayBackend(IngressRouteBackend? Target, int Weight, string? Problem);
