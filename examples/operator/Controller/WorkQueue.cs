using System.Threading.Channels;

namespace EchoOperator.Controller;

/// <summary>
/// Keys waiting to be reconciled, each at most once: adding a key already waiting does nothing, so a burst
/// of watch events for one EchoServer is one reconcile. A failed key comes back after a per-key delay that
/// doubles up to a minute; success forgets it. Unbounded, since it holds at most one entry per EchoServer.
/// </summary>
public sealed class WorkQueue(TimeProvider time)
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromMinutes(1);

    private readonly Channel<ObjectKey> _ready = Channel.CreateUnbounded<ObjectKey>();
    private readonly Lock _gate = new();
    private readonly HashSet<ObjectKey> _waiting = [];
    private readonly Dictionary<ObjectKey, int> _failures = [];

    public void Add(ObjectKey key)
    {
        lock (_gate)
        {
            if (!_waiting.Add(key))
            {
                return;
            }
        }
        _ready.Writer.TryWrite(key);
    }

    public async Task<ObjectKey> TakeAsync(CancellationToken ct)
    {
        var key = await _ready.Reader.ReadAsync(ct);
        lock (_gate)
        {
            // Taken: an event from now on queues it again, so nothing seen during the reconcile is lost.
            _waiting.Remove(key);
        }
        return key;
    }

    public void Forget(ObjectKey key)
    {
        lock (_gate)
        {
            _failures.Remove(key);
        }
    }

    /// <summary>Queues the key again after its backoff; returns the delay chosen.</summary>
    public TimeSpan Retry(ObjectKey key, CancellationToken ct)
    {
        int failures;
        lock (_gate)
        {
            failures = _failures[key] = _failures.GetValueOrDefault(key) + 1;
        }
        var delay = TimeSpan.FromTicks(Math.Min(MaxRetry.Ticks, FirstRetry.Ticks << Math.Min(failures - 1, 20)));
        _ = RequeueLaterAsync(key, delay, ct);
        return delay;
    }

    private async Task RequeueLaterAsync(ObjectKey key, TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, time, ct);
            Add(key);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }
}
