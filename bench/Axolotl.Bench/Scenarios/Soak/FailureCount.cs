using System.Collections.Concurrent;

namespace Axolotl.Bench.Scenarios.Soak;

/// <summary>
/// Requests sent by one kind of client and how many failed, split by <see cref="ServerOutage"/>:
/// while the server was down (expected), while the restarted process's NodePort was not yet serving
/// (the traffic issue's, counted apart), while the Service had no ready endpoint (Kubernetes' reject, the workload's
/// readiness: counted apart too), and while it was up (a finding), with the first reasons seen
/// and the time of each of the first failures while up, to match against the server's log.
/// Thread-safe; read at every sample.
/// </summary>
internal sealed class FailureCount(string name)
{
    private const int ReasonsKept = 8;
    private const int TimesKept = 40;
    private readonly ConcurrentDictionary<string, int> _reasons = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(DateTime Utc, string Reason)> _times = new();
    private long _sent;
    private long _failedDown;
    private long _failedRestarting;
    private long _failedNoEndpoint;
    private long _failedUp;
    private long _lastFailureUp = long.MinValue;

    public string Name { get; } = name;
    public long Sent => Interlocked.Read(ref _sent);
    public long FailedWhileDown => Interlocked.Read(ref _failedDown);
    public long FailedWhileUp => Interlocked.Read(ref _failedUp);
    public long FailedBeforeServing => Interlocked.Read(ref _failedRestarting);
    public long FailedWithoutReadyEndpoint => Interlocked.Read(ref _failedNoEndpoint);

    /// <summary>Wall-clock time and reason of the first failures while up.</summary>
    public IReadOnlyCollection<(DateTime Utc, string Reason)> FailuresWhileUp => _times;

    /// <summary>Stopwatch timestamp of the latest failure while the server was up, or null.</summary>
    public long? LastFailureWhileUp => Interlocked.Read(ref _lastFailureUp) is var t && t != long.MinValue ? t : null;

    /// <summary>Reasons of the failures while the server was up, with counts (the first few distinct ones).</summary>
    public IReadOnlyDictionary<string, int> ReasonsWhileUp => _reasons;

    public void Succeeded() => Interlocked.Increment(ref _sent);

    public void Failed(bool whileDown, string reason, bool beforeServing = false, bool noReadyEndpoint = false)
    {
        Interlocked.Increment(ref _sent);
        if (whileDown)
        {
            Interlocked.Increment(ref _failedDown);
            return;
        }
        if (beforeServing)
        {
            Interlocked.Increment(ref _failedRestarting);
            return;
        }
        if (noReadyEndpoint)
        {
            Interlocked.Increment(ref _failedNoEndpoint);
            return;
        }
        if (Interlocked.Increment(ref _failedUp) <= TimesKept)
        {
            _times.Enqueue((DateTime.UtcNow, reason));
        }
        Interlocked.Exchange(ref _lastFailureUp, System.Diagnostics.Stopwatch.GetTimestamp());
        if (_reasons.Count < ReasonsKept || _reasons.ContainsKey(reason))
        {
            _reasons.AddOrUpdate(reason, 1, (_, n) => n + 1);
        }
    }
}
