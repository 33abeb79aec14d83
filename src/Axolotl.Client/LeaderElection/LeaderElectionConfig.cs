namespace Axolotl.Client.LeaderElection;

/// <summary>
/// How a <see cref="LeaderElector"/> runs, with kube-controller-manager's and kube-scheduler's
/// defaults: a lease counts for 15 s after its last renewal, the leader gives up when it could not
/// renew for 10 s (well before anyone else may take over), and every attempt is 2 s apart.
/// </summary>
public sealed record LeaderElectionConfig
{
    public static readonly TimeSpan DefaultLeaseDuration = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan DefaultRenewDeadline = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan DefaultRetryPeriod = TimeSpan.FromSeconds(2);

    /// <summary>client-go's JitterFactor: a candidate waits RetryPeriod plus up to 1.2 × RetryPeriod between attempts to acquire.</summary>
    public const double JitterFactor = 1.2;

    public required IResourceLock Lock { get; init; }

    /// <summary>This candidate's holderIdentity, e.g. <c>host_9f1c…</c> (unique per process).</summary>
    public required string Identity { get; init; }

    public TimeSpan LeaseDuration { get; init; } = DefaultLeaseDuration;

    public TimeSpan RenewDeadline { get; init; } = DefaultRenewDeadline;

    public TimeSpan RetryPeriod { get; init; } = DefaultRetryPeriod;

    /// <summary>Give the lease up (holder cleared, 1 s duration) when stopped, so a successor need not wait it out.</summary>
    public bool ReleaseOnCancel { get; init; } = true;

    /// <summary>
    /// No other process can reach the lock's store (axolotl on SQLite): a holder found there can only
    /// be an earlier run of this process, killed before it released the lease, so it is taken over at
    /// once instead of after the lease duration; and a renewal later than the renew deadline does not end its
    /// leadership (only a record naming another holder does), since no rival can have taken the lease meanwhile.
    /// </summary>
    public bool SoleCandidate { get; init; }

    /// <summary>
    /// Answers true only when the given holder's process is known to be gone (its server refuses
    /// connections): a candidate then takes the lease as soon as the holder has also missed a renewal
    /// (<see cref="HolderRenewalGrace"/>), instead of waiting out the lease duration. A waiting
    /// candidate asks every <see cref="HolderProbeInterval"/>. Null: client-go's behaviour.
    /// </summary>
    public Func<string, CancellationToken, Task<bool>>? HolderStopped { get; init; }

    /// <summary>How often a waiting candidate asks <see cref="HolderStopped"/> about the holder.</summary>
    public TimeSpan HolderProbeInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How late past a retry period a renewal must be, with the holder gone, before the lease is taken.</summary>
    public TimeSpan HolderRenewalGrace { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A number in [0, 1) per acquire attempt for the jitter; null: a random one. Tests pass a fixed one.</summary>
    public Func<double>? Jitter { get; init; }

    /// <summary>The timing part of <see cref="Validate"/>, for flags checked before any lock exists.</summary>
    public static void ValidateTimings(TimeSpan leaseDuration, TimeSpan renewDeadline, TimeSpan retryPeriod)
    {
        if (leaseDuration <= renewDeadline)
        {
            throw new ArgumentException("leaseDuration must be greater than renewDeadline");
        }
        if (renewDeadline <= TimeSpan.FromTicks((long)(JitterFactor * retryPeriod.Ticks)))
        {
            throw new ArgumentException("renewDeadline must be greater than retryPeriod*JitterFactor");
        }
        if (retryPeriod <= TimeSpan.Zero)
        {
            throw new ArgumentException("retryPeriod must be greater than zero");
        }
    }

    /// <summary>Refuses timings with which two candidates could both think they lead (client-go's checks).</summary>
    public void Validate()
    {
        ValidateTimings(LeaseDuration, RenewDeadline, RetryPeriod);
        if (string.IsNullOrEmpty(Identity))
        {
            throw new ArgumentException("Lock identity is empty");
        }
    }
}
