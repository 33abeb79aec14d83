using Microsoft.Extensions.Logging;

namespace Axolotl.Storage.Expiry;

/// <summary>
/// Deletes the keys under a prefix a time-to-live after their last write: Events, which kube-apiserver writes
/// with an etcd lease of --event-ttl. Our stores have no leases (SQLite has none, and one mechanism for both
/// stores is one to test), so this is kine's approach: follow the prefix (list, then watch), keep each key's
/// expiry in memory (<see cref="ExpiryTracker"/>), and every <see cref="SweepPeriod"/> delete what is due with
/// the revision precondition. A periodic sweep rather than a TTL column: the expiry needs no schema change, no
/// query over the table and works on etcd too. The price: after a restart every key gets a full TTL again
/// (kine's, too), so an Event lives at least the TTL and at most the TTL plus the server's downtime. The
/// deletion is an ordinary store delete, so watchers see a normal DELETED, as with an etcd lease expiring.
/// </summary>
public sealed partial class ExpirySweeper
{
    /// <summary>How often due keys are looked for: a key is deleted within this of its expiry.</summary>
    public static readonly TimeSpan SweepPeriod = TimeSpan.FromSeconds(1);

    private readonly IStore _store;
    private readonly string _prefix;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Lock _lock = new();
    private readonly ExpiryTracker _tracker;
    private long _seenRevision;

    public ExpirySweeper(IStore store, string prefix, TimeSpan ttl, TimeProvider time, ILogger log)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        _store = store;
        _prefix = prefix;
        _time = time;
        _log = log;
        _tracker = new ExpiryTracker(ttl);
    }

    /// <summary>Keys with an expiry; lets tests wait for the sweeper to have seen writes.</summary>
    public int Tracked
    {
        get
        {
            lock (_lock)
            {
                return _tracker.Count;
            }
        }
    }

    /// <summary>The revision of the newest change the watch delivered; lets tests wait for a write to be seen.</summary>
    public long SeenRevision => Interlocked.Read(ref _seenRevision);

    /// <summary>
    /// Lists, then follows the prefix and sweeps until cancelled. A watch that ends in <see cref="CompactedException"/>
    /// fails the run; the caller's loop restarts it, and the relist keeps the expiry of keys not written since.
    /// </summary>
    public async Task RunAsync(CancellationToken ct)
    {
        var list = await _store.ListAsync(_prefix, 0, null, ct);
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            foreach (var entry in list.Items)
            {
                _tracker.Written(entry.Key, entry.ModRevision, now);
            }
        }

        Interlocked.Exchange(ref _seenRevision, list.Revision);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var sweeping = SweepEveryPeriodAsync(stop.Token);
        try
        {
            await foreach (var change in _store.WatchAsync(_prefix, list.Revision, ct))
            {
                lock (_lock)
                {
                    if (change.Type == StoreEventType.Deleted)
                    {
                        _tracker.Deleted(change.Entry.Key);
                    }
                    else
                    {
                        _tracker.Written(change.Entry.Key, change.Entry.ModRevision, _time.GetUtcNow());
                    }
                }

                Interlocked.Exchange(ref _seenRevision, change.Entry.ModRevision);
            }
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await sweeping;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        }
    }

    /// <summary>Deletes every key that is due now; returns how many it deleted.</summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        IReadOnlyList<(string Key, long Revision)> due;
        lock (_lock)
        {
            due = _tracker.TakeDue(_time.GetUtcNow());
        }

        var deleted = 0;
        foreach (var (key, revision) in due)
        {
            try
            {
                await _store.DeleteAsync(key, revision, ct);
                deleted++;
            }
            catch (Exception e) when (e is KeyNotFoundInStoreException or RevisionConflictException)
            {
                // Deleted or written since: the watch brings (or brought) that news, with a new expiry if written.
            }
        }

        if (deleted > 0)
        {
            LogExpired(_log, deleted, _prefix, _tracker.Ttl);
        }

        return deleted;
    }

    private async Task SweepEveryPeriodAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(SweepPeriod, _time);
        while (await timer.WaitForNextTickAsync(ct))
        {
            try
            {
                await SweepAsync(ct);
            }
            catch (StoreException e)
            {
                // The keys taken are not retried (the next write of each brings a new expiry); the sweeps go on.
                LogSweepFailed(_log, _prefix, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "deleting expired keys under {Prefix} failed")]
    private static partial void LogSweepFailed(ILogger log, string prefix, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "expired {Count} keys under {Prefix} (time to live {Ttl})")]
    private static partial void LogExpired(ILogger log, int count, string prefix, TimeSpan ttl);
}
