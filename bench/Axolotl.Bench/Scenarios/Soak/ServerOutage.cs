using System.Diagnostics;

namespace Axolotl.Bench.Scenarios.Soak;

/// <summary>
/// When the server was down: from the SIGKILL to the restarted process answering /readyz. Failed
/// requests are split by it: a request whose span touches the window failed because the process was
/// gone (the traffic issue owns that), any other failure is the soak's to explain.
/// </summary>
internal sealed class ServerOutage
{
    private long _killed = long.MaxValue;
    private long _back = long.MaxValue;

    public bool Happened => Interlocked.Read(ref _killed) != long.MaxValue;

    /// <summary>Stopwatch timestamp of the SIGKILL.</summary>
    public long KilledAt => Interlocked.Read(ref _killed);

    /// <summary>Stopwatch timestamp at which the new process was ready (long.MaxValue until then).</summary>
    public long BackAt => Interlocked.Read(ref _back);

    /// <summary>Wall-clock time of the SIGKILL, for comparing with the API's timestamps.</summary>
    public DateTimeOffset KilledAtUtc { get; private set; }

    public DateTimeOffset BackAtUtc { get; private set; }

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

    /// <summary>Whether a request from <paramref name="start"/> to <paramref name="end"/> (Stopwatch timestamps) overlapped the outage.</summary>
    public bool Overlaps(long start, long end) => start <= BackAt && end >= KilledAt;

    /// <summary>Whether a request that started at <paramref name="start"/> and failed just now overlapped the outage.</summary>
    public bool OverlapsUntilNow(long start) => Overlaps(start, Stopwatch.GetTimestamp());
}
