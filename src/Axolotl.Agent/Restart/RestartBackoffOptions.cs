namespace Axolotl.Agent.Restart;

/// <summary>
/// Node-level crash-loop curve. Defaults are the kubelet's (10 s doubling to 300 s, reset after
/// 10 minutes); tests and impatient users may choose a faster curve per node.
/// </summary>
public sealed record RestartBackoffOptions
{
    public static RestartBackoffOptions Kubernetes { get; } = new();

    /// <summary>Delay before the second restart (the first restart is always immediate).</summary>
    public TimeSpan Initial { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Cap of the doubling delay.</summary>
    public TimeSpan Max { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>A container that ran this long (or stayed quiet this long between exits) starts over with an immediate restart.</summary>
    public TimeSpan ResetAfter { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Throws when the curve makes no sense (non-positive, or initial above the cap).</summary>
    public RestartBackoffOptions Validate()
    {
        if (Initial <= TimeSpan.Zero || Max <= TimeSpan.Zero || ResetAfter <= TimeSpan.Zero)
        {
            throw new ArgumentException("restart back-off initial, max and reset-after must be positive");
        }

        if (Initial > Max)
        {
            throw new ArgumentException($"restart back-off initial ({Initial}) must not exceed max ({Max})");
        }

        return this;
    }
}
