namespace Axolotl.Hosting.Memory;

/// <summary>When the <see cref="MemoryReclaimer"/> acts (defaults measured by `bench/run --only memory-after-burst`).</summary>
public sealed record MemoryReclaimerOptions
{
    /// <summary>How often it samples allocation and resident memory.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long into a quiet spell it reclaims (allocation under <see cref="QuietAllocationBytesPerSecond"/>): first
    /// soon after the burst, then once the watch cache's 75 s window has let the burst's events go. The later ones
    /// run only when the first found growth worth it.
    /// </summary>
    public IReadOnlyList<TimeSpan> ReclaimAfterQuiet { get; init; } = [TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(90)];

    /// <summary>An idle server with a node allocates about 1–2 MB/s (leases, heartbeats, probes); a burst, hundreds.</summary>
    public long QuietAllocationBytesPerSecond { get; init; } = 8L * 1024 * 1024;

    /// <summary>Growth of resident memory over the floor (the size after the last reclaim, or the lowest seen since) worth a collection.</summary>
    public long GrowthThreshold { get; init; } = 32L * 1024 * 1024;

    /// <summary>The least time between two trims of the native heap under load (see <see cref="NativeTrimTracker"/>).</summary>
    public TimeSpan NativeTrimInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Growth of the native heap's resident share over its floor worth a trim under load.</summary>
    public long NativeGrowthThreshold { get; init; } = 16L * 1024 * 1024;
}
