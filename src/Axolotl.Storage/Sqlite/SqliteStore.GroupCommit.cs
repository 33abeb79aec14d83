using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Axolotl.Storage.Sqlite;

/// <summary>
/// Group commit. Every write queues itself, then waits for the write lock; whoever gets the lock writes every
/// write still queued (its own among them, at most <see cref="MaxGroup"/> at a time) in one transaction, in
/// queue order, and commits once. Each write still decides on its own (its precondition sees the writes before
/// it in the group, as if they had committed alone) and fails alone; only a failure inside SQLite fails the
/// group. Under load the commit, the largest part of a write's CPU, is paid once per group instead of once per
/// write, as etcd's backend batches its commits; alone, a write commits at once as before. Revisions, the order
/// watchers see and the answers are those of the same writes one after another.
/// </summary>
public sealed partial class SqliteStore
{
    /// <summary>At most this many writes in one transaction, so a long queue does not hold the lock for long.</summary>
    internal const int MaxGroup = 128;

    private readonly ConcurrentQueue<PendingWrite> _pending = new();
    private long _groupsCommitted;

    /// <summary>How many write transactions committed (each one group of writes).</summary>
    internal long GroupsCommitted => Interlocked.Read(ref _groupsCommitted);

    /// <summary>Holds the write lock until disposed, so writes queue up behind it (tests of grouping).</summary>
    internal async Task<IDisposable> HoldWritesAsync(CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct);
        return new HeldWrites(_writeLock);
    }

    private async Task<StoreEntry> WriteAsync(string key, Func<LogRow?, long, LogRow> decide, CancellationToken ct)
    {
        var write = new PendingWrite(key, decide);
        _pending.Enqueue(write);
        try
        {
            await _writeLock.WaitAsync(ct);
        }
        catch (OperationCanceledException) when (write.TryAbandon())
        {
            // Never taken: it will not be written.
            throw;
        }
        catch (OperationCanceledException)
        {
            // A group holder took it before the cancellation: it is being written, and its answer is the answer.
            return await write.Done.Task;
        }
        try
        {
            // An earlier holder may have written it already; otherwise this holder writes groups until it is done.
            while (!write.Done.Task.IsCompleted)
            {
                WriteGroup();
            }
        }
        finally
        {
            _writeLock.Release();
        }
        return await write.Done.Task;
    }

    /// <summary>Writes the writes queued now (up to <see cref="MaxGroup"/>) in one transaction. Holds the write lock.</summary>
    private void WriteGroup()
    {
        var group = new List<PendingWrite>();
        while (group.Count < MaxGroup && _pending.TryDequeue(out var queued))
        {
            if (queued.TryTake())
            {
                group.Add(queued);
            }
        }
        if (group.Count == 0)
        {
            return;
        }
        if (_disposed)
        {
            var disposed = new ObjectDisposedException(nameof(SqliteStore));
            group.ForEach(w => w.Done.TrySetException(disposed));
            return;
        }
        var written = new List<(PendingWrite Write, LogRow Row)>(group.Count);
        var revision = _currentRevision;
        try
        {
            using var transaction = _writer.BeginTransaction(deferred: false);
            _selectLatest.Transaction = transaction;
            _insert.Transaction = transaction;
            foreach (var write in group)
            {
                LogRow row;
                try
                {
                    row = write.Decide(SqliteLogQueries.Latest(_selectLatest, write.Key), revision + 1);
                }
                catch (Exception e) when (e is not SqliteException)
                {
                    // Its precondition failed (exists, conflict, not found): this write alone is refused.
                    write.Done.TrySetException(e);
                    continue;
                }
                Insert(row);
                revision = row.Id;
                written.Add((write, row));
            }
            if (written.Count > 0)
            {
                transaction.Commit();
                Interlocked.Increment(ref _groupsCommitted);
            }
        }
        catch (SqliteException e)
        {
            ResyncAfterFailedWrite();
            group.ForEach(w => w.Done.TrySetException(e));
            return;
        }
        finally
        {
            _selectLatest.Transaction = null;
            _insert.Transaction = null;
        }
        Interlocked.Exchange(ref _currentRevision, revision);
        foreach (var (write, row) in written)
        {
            _broadcaster.Publish(row.ToEvent());
            write.Done.TrySetResult(row.ToEntry());
        }
    }

    private void Insert(LogRow row)
    {
        var p = _insert.Parameters;
        p["$id"].Value = row.Id;
        p["$name"].Value = row.Name;
        p["$created"].Value = row.Created ? 1 : 0;
        p["$deleted"].Value = row.Deleted ? 1 : 0;
        p["$create_revision"].Value = row.CreateRevision;
        p["$prev_revision"].Value = row.PrevRevision;
        p["$value"].Value = row.Value;
        _insert.ExecuteNonQuery();
    }

    private sealed class HeldWrites(SemaphoreSlim held) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                // The first queued writer to get the lock then writes everything queued meanwhile as one group.
                held.Release();
            }
        }
    }

    /// <summary>One write waiting for a group: taken by the lock's holder, or abandoned by its cancelled caller, never both.</summary>
    private sealed class PendingWrite(string key, Func<LogRow?, long, LogRow> decide)
    {
        private const int Queued = 0;
        private const int Taken = 1;
        private const int Abandoned = 2;
        private int _state;

        public string Key => key;

        public Func<LogRow?, long, LogRow> Decide => decide;

        // Asynchronous continuations: a caller that gave up waiting for the lock awaits this, and must not run inside a group.
        public TaskCompletionSource<StoreEntry> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Queued) == Queued;

        public bool TryAbandon() => Interlocked.CompareExchange(ref _state, Abandoned, Queued) == Queued;
    }
}
