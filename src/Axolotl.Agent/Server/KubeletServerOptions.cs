using System.Net;

namespace Axolotl.Agent.Server;

/// <summary>Where the agent's own HTTPS endpoint listens and the bearer token callers must present.</summary>
public sealed record KubeletServerOptions
{
    /// <summary>The port; the agent publishes it as daemonEndpoints.kubeletEndpoint.Port (AgentOptions.KubeletPort).</summary>
    public int Port { get; init; } = 10250;

    public IPAddress BindAddress { get; init; } = IPAddress.Any;

    /// <summary>The only token accepted (for the local agent: the API server's admin token).</summary>
    public required string Token { get; init; }

    /// <summary>Names put in the self-signed certificate besides localhost (the node name).</summary>
    public IReadOnlyList<string> CertificateNames { get; init; } = [];

    /// <summary>How forwarded connections wait for a restarting container.</summary>
    public PortForward.PortForwardOptions PortForward { get; init; } = new();
}
