namespace Axolotl.Client.LeaderElection;

/// <summary>
/// What a lock holds, as client-go's resourcelock.LeaderElectionRecord: who holds it, for how long a
/// renewal counts, when it was taken and last renewed, and how often it changed hands. The
/// <see cref="Version"/> is the object's resourceVersion, the precondition of the next write.
/// </summary>
public sealed record LeaderElectionRecord
{
    public string HolderIdentity { get; init; } = "";

    public int LeaseDurationSeconds { get; init; }

    public DateTimeOffset? AcquireTime { get; init; }

    public DateTimeOffset? RenewTime { get; init; }

    public int LeaseTransitions { get; init; }

    /// <summary>The resourceVersion the record was read at (null for one not yet stored).</summary>
    public string? Version { get; init; }
}
