using System.Security.Cryptography.X509Certificates;
using Axolotl.Client;
using Axolotl.Client.Informers;
using Axolotl.NodeIdentity;

namespace Axolotl.Commands;

/// <summary>What a node differs in between `axolotl server` (its own machine's node) and `axolotl agent` (a joined one).</summary>
public sealed record NodeHostOptions
{
    /// <summary>The node's certificates: the kubelet endpoint serves the serving one, and both are rotated while the node runs.</summary>
    public required NodeCredentials Credentials { get; init; }

    /// <summary>The CA the API server's client certificate must chain to when it calls the kubelet endpoint.</summary>
    public required X509Certificate2 ClientCa { get; init; }

    /// <summary>The cluster's Service range, which the service proxy serves.</summary>
    public required string ServiceCidr { get; init; }

    /// <summary>The node's name; null: --node-name, else the host name.</summary>
    public string? NodeName { get; init; }

    /// <summary>The service proxy's client: a server's proxy runs as kube-proxy; null: the node's own client.</summary>
    public KubeClient? ProxyClient { get; init; }

    /// <summary>The Ingress controller's client (its own identity, allowed to read TLS Secrets); null: no Ingress controller on this node.</summary>
    public KubeClient? IngressClient { get; init; }

    /// <summary>
    /// The edge controllers read each TLS Secret by name rather than an informer of every Secret: a joined node's
    /// identity (system:axolotl-ingress-controller:NODE) may read only the Secrets its Ingresses and Gateways name.
    /// </summary>
    public bool IngressReadsSecretsByName { get; init; }

    /// <summary>The process's shared informers (a server's), or null for the proxy's own.</summary>
    public SharedInformerFactory? Informers { get; init; }
}
