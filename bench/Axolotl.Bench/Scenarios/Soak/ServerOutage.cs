using System.Diagnostics;

namespace Axolotl.Bench.Scenarios.Soak;

/// <summary>
/// When the server was down: from the SIGKILL to the restarted process answering /readyz. Failed
/// requests are split by it: a request whose span touches the window failed because the process was
/// gone (the traffic issue owns that), any other failure is the soak's to explain. The NodePort has a
/// second phase: the restarted process answers /readyz before its service proxy has synced and
/// listens again, and the NodePort is back only at its first answered request (<see cref="MarkServing"/>);
/// failures between the two are counted on their own, not hidden in either side.
/// </summary>
internal sealed class ServerOutage
{
    private long _killed = long.MaxValue;
    private long _back = long.MaxValue;
    private long _serving = long.MaxValue;

    public bool Happened => Interlocked.Read(ref _killed) != long.MaxValue;

    /// <summary>Stopwatch timestamp of the SIGKILL.</summary>
    public long KilledAt => Interlocked.Read(ref _killed);

    /// <summary>Stopwatch timestamp at which the new process was ready (long.MaxValue until then).</summary>
    public long BackAt => Interlocked.Read(ref _back);

    /// <summary>Wall-clock time of the SIGKILL, for comparing with the API's timestamps.</summary>
    public DateTimeOffset KilledAtUtc { get; private set; }

    public DateTimeOffset BackAtUtc { get; private set; }

    /// <summary>Stopwatch timestamp of the first NodePort request answered after <see cref="BackAt"/>.</summary>
    public long ServingAt => Interlocked.Read(ref _serving);

    /// <summary>Seconds from the restarted process's /readyz to its first answered NodePort request.</summary>
    public double ServingSecondsAfterBack => ServingAt != long.MaxValue && BackAt != long.MaxValue ? Stopwatch.GetElapsedTime(BackAt, ServingAt).TotalSeconds : double.NaN;

    public double Seconds => Happened && BackAt != long.MaxValue ? Stopwatch.GetElapsedTime(KilledAt, BackAt).TotalSeconds : 0;

    public void MarkKilled()
    {
        KilledAtUtc = DateTimeOffset.UtcNow;
        Interlocked.Exchange(ref _killed, Stopwatch.GetTimestamp());
    }

    public void MarkBack()
    {
        BackAtUtc = DateTimeOffset.UtcNow;
        Interlocked.Exchange(ref _back, Stopwatch.GetTimestamp());
    }

    /// <summary>Called on every answered NodePort request; the first after the restart marks the NodePort back.</summary>
    public void MarkServing(long at)
    {
        if (at > BackAt && Interlocked.Read(ref _serving) == long.MaxValue)
        {
            Interlocked.CompareExchange(ref _serving, at, long.MaxValue);
        }
    }

    /// <summary>Whether a failed NodePort request ended after /readyz but before the NodePort answered again.</summary>
    public bool BeforeServing(long start, long end) => Happened && end >= BackAt && start <= ServingAt;

    /// <summary>Whether a request from <paramref name="start"/> to <paramref name="end"/> (Stopwatch timestamps) overlapped the outage.</summary>
    public bool Overlaps(long start, long end) => start <= BackAt && end >= KilledAt;

    /// <summary>Whether a request that started at <paramref name="start"/> and failed just now overlapped the outage.</summary>
    public bool OverlapsUntilNow(long start) => Overlaps(start, Stopwatch.GetTimestamp());
}
