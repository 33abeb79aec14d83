namespace Axolotl.Proxy.Drain;

/// <summary>
/// How often the node tries again to take a desired port it does not hold (ADR 0030, issue 36). After a release (the
/// app died, its replacement is starting) the passes come at <see cref="First"/>, doubling up to <see cref="FastCap"/>, for
/// at most <see cref="Window"/>: a second kill soon after the first then finds the replacement's listener held. Otherwise
/// (an app that never listens, a port whose replacement took longer than the window) every <see cref="Idle"/>, so a node
/// with such a port does not spin.
/// </summary>
/// <param name="First">The first retry after a release: the replacement of a small server listens within tens of ms.</param>
/// <param name="FastCap">The longest gap while a released port waits for its replacement: how late its take may be.</param>
/// <param name="Window">How long after its release a port is retried fast (Kestrel listens ~1.5 s after its start).</param>
/// <param name="Idle">The gap while nothing released is waiting.</param>
public sealed record HeldRetakeSchedule(TimeSpan First, TimeSpan FastCap, TimeSpan Window, TimeSpan Idle)
{
    /// <summary>
    /// A pass looks at a few /proc entries and makes one pidfd_getfd call per process of the released pods (well under a
    /// millisecond), so 10 s at 100 ms after a kill costs ~100 of them; the take is then at most 100 ms late.
    /// </summary>
    public static HeldRetakeSchedule Default { get; } = new(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1));

    /// <summary>Once a second, release or not: what the node did before the fast retries (bench, tests).</summary>
    public static HeldRetakeSchedule EverySecond { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.Zero, TimeSpan.FromSeconds(1));
}
