namespace Axolotl.Agent.Server.PortForward;

/// <summary>How long a forwarded connection waits for the pod's port while a container (re)starts.</summary>
public sealed record PortForwardOptions
{
    /// <summary>Longest wait for the port to accept a connection before the error is reported.</summary>
    public TimeSpan Wait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Pause between connection attempts while waiting.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// A refusal while every container has been running at least this long means nothing listens on
    /// the port (not a restart in progress): fail then instead of waiting the full <see cref="Wait"/>.
    /// </summary>
    public TimeSpan SettledAfter { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Timeout of one connection attempt (a pod address that does not answer at all).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(2);
}
