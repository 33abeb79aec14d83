namespace Axolotl.Storage.Compaction;

/// <summary>
/// Background loop that compacts a store every interval, as planned by <see cref="CompactionPlanner"/>.
/// Failure policy: a failed compaction is reported and retried on the next tick (the loop never dies
/// of a store error); it stops only when disposed.
/// </summary>
public sealed class StoreCompactor : IAsyncDisposable
{
    private readonly IStore _store;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _timeProvider;
    private readonly Action<Exception>? _onError;
    private readonly CompactionPlanner _planner;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;
    private long _completedTicks;

    public StoreCompactor(IStore store, TimeSpan interval, long retainRevisions, TimeProvider timeProvider, Action<Exception>? onError = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        _store = store;
        _interval = interval;
        _timeProvider = timeProvider;
        _onError = onError;
        _planner = new CompactionPlanner(retainRevisions);
    }

    /// <summary>How many ticks have completed (compacting or not); lets tests wait without sleeping.</summary>
    public long CompletedTicks => Interlocked.Read(ref _completedTicks);

    /// <summary>Starts the loop; the first tick comes one interval after this call.</summary>
    public void Start()
    {
        if (_loop is not null)
        {
            return;
        }

        // Created here rather than inside the loop so the schedule starts now, not when the pool gets to it.
        var timer = new PeriodicTimer(_interval, _timeProvider);
        _loop = Task.Run(() => RunAsync(timer, _stopping.Token));
    }

    /// <summary>One tick's work, also callable directly.</summary>
    public async Task TickAsync(CancellationToken ct)
    {
        var target = _planner.Tick(_store.CurrentRevision, _store.CompactRevision);
        if (target is { } revision)
        {
            await _store.CompactAsync(revision, ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        _stopping.Dispose();
    }

    private async Task RunAsync(PeriodicTimer timer, CancellationToken ct)
    {
        using var ownedTimer = timer;
        try
        {
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
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }
}
