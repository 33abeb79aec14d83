using Axolotl.Api.Core;
using Axolotl.Proxy.GatewayApi.Model;
using Axolotl.Proxy.Ingress;

namespace Axolotl.Proxy.GatewayApi;

/// <summary>What <see cref="GatewayRouteTableBuilder"/> reads: the Gateway API objects and lookups of the core objects they name.</summary>
public sealed record GatewayInputs
{
    public string ControllerName { get; init; } = GatewayOptions.DefaultControllerName;

    public IReadOnlyList<GatewayClass> Classes { get; init; } = [];

    public IReadOnlyList<Gateway> Gateways { get; init; } = [];

    public IReadOnlyList<HTTPRoute> Routes { get; init; } = [];

    public IReadOnlyList<ReferenceGrant> Grants { get; init; } = [];

    /// <summary>The labels of a namespace (null: no such namespace), for allowedRoutes selectors.</summary>
    public Func<string, IReadOnlyDictionary<string, string>?> NamespaceLabels { get; init; } = _ => null;

    public Func<string, string, Service?> Services { get; init; } = (_, _) => null;

    /// <summary>The certificate of a TLS Secret (namespace, name), or why there is none.</summary>
    public Func<string, string, TlsSecretResult> TlsSecrets { get; init; } = (ns, name) => new TlsSecretResult(null, $"TLS Secret {ns}/{name} not found");

    /// <summary>The gateway.networking.k8s.io/bundle-version annotation of the GatewayClass CRD (null: none).</summary>
    public string? BundleVersion { get; init; }
}
