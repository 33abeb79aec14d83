using Axolotl.Api.Scheme;

namespace Axolotl.Proxy.GatewayApi.Model;

/// <summary>
/// The Gateway API resources the controller reads. They are custom resources (their CRDs are installed by the user),
/// so they are not in <see cref="KnownResources"/>: the controller names them here and decodes them into its own models.
/// </summary>
public static class GatewayResources
{
    public const string Group = "gateway.networking.k8s.io";

    public static ResourceType GatewayClasses { get; } = Of<GatewayClass>("v1", "GatewayClass", "gatewayclasses", namespaced: false);

    public static ResourceType Gateways { get; } = Of<Gateway>("v1", "Gateway", "gateways", namespaced: true);

    public static ResourceType HTTPRoutes { get; } = Of<HTTPRoute>("v1", "HTTPRoute", "httproutes", namespaced: true);

    public static ResourceType ReferenceGrants { get; } = Of<ReferenceGrant>("v1beta1", "ReferenceGrant", "referencegrants", namespaced: true);

    /// <summary>The CRDs that must be established before the controller starts watching (ReferenceGrant is optional).</summary>
    public static IReadOnlyList<ResourceType> Required { get; } = [GatewayClasses, Gateways, HTTPRoutes];

    /// <summary>The CRD name of a resource: plural.group.</summary>
    public static string CrdName(ResourceType resource) => $"{resource.Plural}.{resource.Group}";

    private static ResourceType Of<T>(string version, string kind, string plural, bool namespaced) => new()
    {
        Group = Group,
        Version = version,
        Kind = kind,
        Plural = plural,
        Namespaced = namespaced,
        ClrType = typeof(T),
    };
}
