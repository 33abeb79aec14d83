using Axolotl.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Storage.Compaction;

/// <summary>
/// Background loop that compacts a store every interval, as planned by <see cref="CompactionPlanner"/>.
/// Failure policy: a failed compaction is reported and retried on the next tick (the loop never dies
/// of a store error); anything else restarts the loop with backoff; it stops only when disposed.
/// </summary>
public sealed class StoreCompactor : BackgroundLoop
{
    private readonly IStore _store;
    private readonly TimeSpan _interval;
    private readonly Action<Exception>? _onError;
    private readonly CompactionPlanner _planner;
    private readonly Func<CancellationToken, Task>? _afterCompaction;
    private PeriodicTimer? _firstTimer;
    private int _started;
    private long _completedTicks;

    // Errors go to onError, which the server logs. afterCompaction is the store's own upkeep (etcd's defragmentation),
    // run every tick after compacting, as space may also have been freed by another server's compaction.
    public StoreCompactor(IStore store, TimeSpan interval, long retainRevisions, TimeProvider timeProvider, Action<Exception>? onError = null,
        Func<CancellationToken, Task>? afterCompaction = null)
        : base("store-compactor", LoopFailurePolicy.RestartWithBackoff, timeProvider, NullLogger.Instance)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        _store = store;
        _interval = interval;
        _onError = onError;
        _afterCompaction = afterCompaction;
        // The schedule starts now, so what the store holds now is one interval old at the first tick.
        _planner = new CompactionPlanner(retainRevisions, store.CurrentRevision);
    }

    /// <summary>How many ticks have completed (compacting or not); lets tests wait without sleeping.</summary>
    public long CompletedTicks => Interlocked.Read(ref _completedTicks);

    /// <summary>Starts the loop; the first tick comes one interval after this call.</summary>
    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) == 1)
        {
            return;
        }

        // Created here rather than inside the loop so the schedule starts now, not when the pool gets to it.
        _firstTimer = new PeriodicTimer(_interval, Time);
        Start(CancellationToken.None);
    }

    /// <summary>One tick's work, also callable directly.</summary>
    public async Task TickAsync(CancellationToken ct)
    {
        var target = _planner.Tick(_store.CurrentRevision, _store.CompactRevision);
        if (target is { } revision)
        {
            await _store.CompactAsync(revision, ct);
        }

        if (_afterCompaction is not null)
        {
            await _afterCompaction(ct);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        // A restarted loop starts a schedule of its own.
        using var timer = Interlocked.Exchange(ref _firstTimer, null) ?? new PeriodicTimer(_interval, Time);
        while (await timer.WaitForNextTickAsync(ct))
        {
            try
            {
                await TickAsync(ct);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                _onError?.Invoke(ex);
            }

            Interlocked.Increment(ref _completedTicks);
        }
    }
}
