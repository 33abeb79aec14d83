using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Axolotl.Agent.Server;

/// <summary>Where the agent's own HTTPS endpoint listens, the certificate it serves and whom it serves.</summary>
public sealed record KubeletServerOptions
{
    /// <summary>The port; the agent publishes it as daemonEndpoints.kubeletEndpoint.Port (AgentOptions.KubeletPort).</summary>
    public int Port { get; init; } = 10250;

    public IPAddress BindAddress { get; init; } = IPAddress.Any;

    /// <summary>The serving certificate (with key) for each new connection: the node's, signed by the kubelet CA; it may rotate.</summary>
    public required Func<X509Certificate2> ServingCertificate { get; init; }

    /// <summary>The CA client certificates must chain to (the cluster CA).</summary>
    public required X509Certificate2 ClientCa { get; init; }

    /// <summary>The one client identity (certificate CN) served: the API server's.</summary>
    public string AuthorizedClient { get; init; } = Api.Certificates.KubeletSigners.ApiServerKubeletClient;

    /// <summary>How forwarded connections wait for a restarting container.</summary>
    public PortForward.PortForwardOptions PortForward { get; init; } = new();
}
