namespace Axolotl.Agent.Restart;

public enum RestartAction
{
    /// <summary>The policy says the container stays terminated.</summary>
    DoNotRestart,

    /// <summary>Start the container again right away.</summary>
    RestartNow,

    /// <summary>Wait until <see cref="RestartDecision.RestartAt"/>; meanwhile the container is waiting with reason CrashLoopBackOff.</summary>
    RestartAfterBackoff,
}

/// <summary>
/// What to do after a container exit. <see cref="Backoff"/> is the delay counted from the exit's
/// FinishedAt (kubelet measures from there too); <see cref="RestartAt"/> is that instant.
/// </summary>
public sealed record RestartDecision(RestartAction Action, TimeSpan Backoff, DateTimeOffset? RestartAt)
{
    public static RestartDecision Never { get; } = new(RestartAction.DoNotRestart, TimeSpan.Zero, null);

    public bool InBackoff => Action == RestartAction.RestartAfterBackoff;
}
