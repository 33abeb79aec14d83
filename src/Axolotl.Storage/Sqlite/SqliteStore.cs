using System.Runtime.CompilerServices;
using Axolotl.Storage.Compaction;
using Axolotl.Storage.Watch;
using Microsoft.Data.Sqlite;

namespace Axolotl.Storage.Sqlite;

/// <summary>
/// The embedded store: a kine-like append-only log in one SQLite file (see <see cref="SqliteSchema"/>).
/// Writes are serialized through one connection under a lock, in BEGIN IMMEDIATE transactions that
/// each commit every write waiting at the time (group commit: <see cref="WriteAsync"/>), and published to
/// watchers right after commit; reads use pooled read-only connections and run at
/// one snapshot. Only one process may open a database file at a time.
/// </summary>
public sealed partial class SqliteStore : IStore
{
    private readonly SqliteStoreOptions _options;
    private readonly SqliteConnection _writer;
    private readonly SqliteCommand _selectLatest;
    private readonly SqliteCommand _insert;
    private readonly string _readConnectionString;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly WatchBroadcaster _broadcaster = new();
    private readonly FileStream _ownership;
    private StoreCompactor? _compactor;
    private long _currentRevision;
    private long _compactRevision;
    private bool _disposed;

    private SqliteStore(SqliteStoreOptions options, FileStream ownership, SqliteConnection writer, string readConnectionString)
    {
        _options = options;
        _ownership = ownership;
        _writer = writer;
        _readConnectionString = readConnectionString;
        _selectLatest = writer.CreateCommand();
        _selectLatest.CommandText = SqliteLogQueries.SelectLatest;
        _selectLatest.Parameters.Add("$name", SqliteType.Text);
        _insert = writer.CreateCommand();
        _insert.CommandText = SqliteLogQueries.Insert;
        foreach (var name in new[] { "$id", "$name", "$created", "$deleted", "$create_revision", "$prev_revision", "$value" })
        {
            _insert.Parameters.Add(new SqliteParameter { ParameterName = name });
        }
    }

    public long CurrentRevision => Interlocked.Read(ref _currentRevision);

    public long CompactRevision => Interlocked.Read(ref _compactRevision);

    /// <summary>The background compactor, when <see cref="SqliteStoreOptions.CompactionInterval"/> enabled one.</summary>
    internal StoreCompactor? Compactor => _compactor;

    /// <summary>Opens (creating if needed) the database and starts the background compactor if configured.</summary>
    public static Task<SqliteStore> OpenAsync(SqliteStoreOptions options, TimeProvider timeProvider, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.Path);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.WatchChannelCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.WatchReplayPageSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.CompactionBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.WalCheckpointPages, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(options.SoftHeapLimitBytes);
        ct.ThrowIfCancellationRequested();

        var writerConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = options.Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString();
        var readConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = options.Path,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = true,
        }.ToString();

        var ownership = ClaimOwnership(options.Path);
        var writer = new SqliteConnection(writerConnectionString);
        try
        {
            writer.Open();
            SqliteSchema.Apply(writer, options);
            var (current, compact) = SqliteSchema.ReadRevisions(writer, null);
            var store = new SqliteStore(options, ownership, writer, readConnectionString)
            {
                _currentRevision = current,
                _compactRevision = compact,
            };
            if (options.CompactionInterval > TimeSpan.Zero)
            {
                store._compactor = new StoreCompactor(store, options.CompactionInterval, options.CompactionRetainRevisions, timeProvider, options.OnBackgroundError);
                store._compactor.Start();
            }

            return Task.FromResult(store);
        }
        catch
        {
            writer.Dispose();
            ownership.Dispose();
            throw;
        }
    }

    public Task<StoreEntry?> GetAsync(string key, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        using var connection = OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = SqliteLogQueries.SelectLatest;
        command.Parameters.AddWithValue("$name", key);
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return Task.FromResult<StoreEntry?>(null);
        }

        var row = SqliteLogQueries.ReadRow(reader);
        return Task.FromResult(row.Deleted ? null : row.ToEntry());
    }

    public Task<StoreListResult> ListAsync(string prefix, int limit, string? continueToken, CancellationToken ct) =>
        ListCore(prefix, limit, string.IsNullOrEmpty(continueToken) ? null : ContinueToken.Decode(continueToken, prefix), null, ct);

    public Task<StoreListResult> ListAtRevisionAsync(string prefix, long revision, int limit, CancellationToken ct) =>
        ListCore(prefix, limit, null, revision, ct);

    private Task<StoreListResult> ListCore(string prefix, int limit, ContinueToken? token, long? atRevision, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        ct.ThrowIfCancellationRequested();

        using var connection = OpenReader();
        using var transaction = connection.BeginTransaction(deferred: true);
        var (revision, compact) = SqliteSchema.ReadRevisions(connection, transaction);
        if (atRevision is { } wanted)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(wanted, revision, nameof(atRevision));
            if (wanted < compact)
            {
                throw new CompactedException(wanted, compact);
            }

            revision = wanted;
        }
        if (token is { } t)
        {
            if (t.Revision < compact)
            {
                throw new CompactedException(t.Revision, compact);
            }

            if (t.Revision > revision)
            {
                throw new InvalidContinueTokenException("continue token is from a newer revision than this store has");
            }

            revision = t.Revision;
        }

        var afterKey = token?.LastKey;
        var items = SqliteLogQueries.List(connection, transaction, prefix, afterKey, revision, limit == 0 ? 0 : limit + 1);
        if (limit == 0 || items.Count <= limit)
        {
            return Task.FromResult(new StoreListResult(items, revision, null, 0));
        }

        items.RemoveAt(items.Count - 1);
        var last = items[^1].Key;
        var remaining = SqliteLogQueries.Count(connection, transaction, prefix, last, revision);
        return Task.FromResult(new StoreListResult(items, revision, new ContinueToken(revision, last).Encode(), remaining));
    }

    public Task<StoreEntry> CreateAsync(string key, ReadOnlyMemory<byte> value, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var bytes = value.ToArray();
        return WriteAsync(key, (latest, revision) => latest is { Deleted: false }
            ? throw new KeyExistsException(key)
            : new LogRow(revision, key, Created: true, Deleted: false, revision, latest?.Id ?? 0, bytes), ct);
    }

    public Task<StoreEntry> UpdateAsync(string key, ReadOnlyMemory<byte> value, long expectedRevision, CancellationToken ct)
    {
        var bytes = value.ToArray();
        return WriteAsync(key, (latest, revision) =>
        {
            var current = Existing(key, latest, expectedRevision, allowAny: false);
            return new LogRow(revision, key, Created: false, Deleted: false, current.CreateRevision, current.Id, bytes);
        }, ct);
    }

    public Task<StoreEntry> DeleteAsync(string key, long expectedRevision, CancellationToken ct) =>
        WriteAsync(key, (latest, revision) =>
        {
            // The deletion row keeps the last value so watchers (and replays) can report what was deleted.
            var current = Existing(key, latest, expectedRevision, allowAny: true);
            return new LogRow(revision, key, Created: false, Deleted: true, current.CreateRevision, current.Id, current.Value);
        }, ct);

    public IAsyncEnumerable<StoreEvent> WatchAsync(string prefix, long afterRevision, CancellationToken ct) =>
        WatchCoreAsync(prefix, afterRevision, progress: false, ct);

    public IAsyncEnumerable<StoreEvent> WatchWithProgressAsync(string prefix, long afterRevision, CancellationToken ct) =>
        WatchCoreAsync(prefix, afterRevision, progress: true, ct);

    public async Task RequestProgressAsync(CancellationToken ct)
    {
        // Under the write lock, so the progress follows every event published before it in each queue.
        await _writeLock.WaitAsync(ct);
        try
        {
            if (!_disposed)
            {
                _broadcaster.PublishProgress(_currentRevision);
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task CompactAsync(long revision, CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (revision > _currentRevision)
            {
                throw new ArgumentOutOfRangeException(nameof(revision), revision, $"cannot compact beyond the current revision {_currentRevision}");
            }

            if (revision <= _compactRevision)
            {
                return;
            }

            // Publish the new compact revision before deleting anything, so a reader whose snapshot already
            // lacks rows also sees that its revision is gone instead of reading a half-compacted state.
            using (var transaction = _writer.BeginTransaction(deferred: false))
            using (var command = _writer.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = "UPDATE meta SET value = $rev WHERE key = 'compact_revision'";
                command.Parameters.AddWithValue("$rev", revision);
                command.ExecuteNonQuery();
                transaction.Commit();
            }

            Interlocked.Exchange(ref _compactRevision, revision);
        }
        finally
        {
            _writeLock.Release();
        }

        var cursor = 0L;
        while (cursor < revision)
        {
            cursor = await DeleteCompactedBatchAsync(revision, cursor, ct);
        }

        await ReclaimSpaceAsync(ct);
    }

    /// <summary>The file's pages: committed database pages (the WAL's newest included), free pages, page size.</summary>
    internal async Task<(long Pages, long FreePages, long PageSize)> PagesAsync(CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return SqliteSpace.Pages(_writer);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>After compaction deleted rows: give their pages back and cut the WAL (see <see cref="SqliteSpace"/>).</summary>
    private async Task ReclaimSpaceAsync(CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            SqliteSpace.Reclaim(_writer, _options.Logger);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_compactor is not null)
        {
            await _compactor.DisposeAsync();
        }

        await _writeLock.WaitAsync();
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _broadcaster.CloseAll();
            _selectLatest.Dispose();
            _insert.Dispose();
            _writer.Dispose();
            SqliteConnection.ClearPool(new SqliteConnection(_readConnectionString));
            await _ownership.DisposeAsync();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Locks "&lt;path&gt;.lock" for the store's lifetime. Revisions are handed out from memory, so a second
    /// writer on the same file (a stale server, a second instance) must be refused; the kernel drops the
    /// lock when the process dies, so a crash never leaves the database locked.
    /// </summary>
    private static FileStream ClaimOwnership(string path)
    {
        try
        {
            return new FileStream(path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new StoreException($"database {path} is already open in another store or process: {ex.Message}");
        }
    }

    private static LogRow Existing(string key, LogRow? latest, long expectedRevision, bool allowAny)
    {
        if (latest is null || latest.Deleted)
        {
            throw new KeyNotFoundInStoreException(key);
        }

        if ((!allowAny || expectedRevision != 0) && latest.Id != expectedRevision)
        {
            throw new RevisionConflictException(key, expectedRevision, latest.Id);
        }

        return latest;
    }

    /// <summary>
    /// A write that failed inside SQLite (I/O error, disk full) may still have committed. Re-read the
    /// revision so the next write does not collide with it, and if it did commit, drop the watchers
    /// that never saw the event so their clients relist.
    /// </summary>
    private void ResyncAfterFailedWrite()
    {
        try
        {
            var (current, _) = SqliteSchema.ReadRevisions(_writer, null);
            if (current > _currentRevision)
            {
                Interlocked.Exchange(ref _currentRevision, current);
                _broadcaster.AbortAll(current);
            }
        }
        catch (SqliteException)
        {
            // The original error is the one worth reporting; the next write will retry the read.
        }
    }

    /// <summary>Deletes, in one short write transaction, what compaction at <paramref name="revision"/> frees among the
    /// next batch of rows after <paramref name="cursor"/>; returns the new cursor.</summary>
    private async Task<long> DeleteCompactedBatchAsync(long revision, long cursor, CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var transaction = _writer.BeginTransaction(deferred: false);
            using var command = _writer.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "SELECT max(id) FROM (SELECT id FROM kv WHERE id > $cursor AND id <= $rev ORDER BY id LIMIT $batch)";
            command.Parameters.AddWithValue("$cursor", cursor);
            command.Parameters.AddWithValue("$rev", revision);
            command.Parameters.AddWithValue("$batch", _options.CompactionBatchSize);
            if (command.ExecuteScalar() is not long batchEnd)
            {
                return revision;
            }

            // A row goes when it is a deletion at or below the compact revision, or when a newer row of the same
            // key at or below it supersedes it; every key's state at the compact revision and later survives.
            command.CommandText = """
                DELETE FROM kv WHERE id > $cursor AND id <= $end AND (deleted = 1
                    OR EXISTS (SELECT 1 FROM kv AS n WHERE n.name = kv.name AND n.id > kv.id AND n.id <= $rev))
                """;
            command.Parameters.AddWithValue("$end", batchEnd);
            command.ExecuteNonQuery();
            transaction.Commit();
            return batchEnd;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async IAsyncEnumerable<StoreEvent> WatchCoreAsync(string prefix, long afterRevision, bool progress, [EnumeratorCancellation] CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);

        // Subscribe before reading history: whatever commits after this point is queued, whatever committed
        // before is in the log, and WatchStream drops the overlap by revision.
        var subscription = _broadcaster.Subscribe(prefix, _options.WatchChannelCapacity, progress);
        await foreach (var e in WatchStream.ReplayThenLiveAsync(_broadcaster, subscription, afterRevision, ReplayAsync(prefix, afterRevision, ct), ct))
        {
            yield return e;
        }
    }

    private async IAsyncEnumerable<StoreEvent> ReplayAsync(string prefix, long afterRevision, [EnumeratorCancellation] CancellationToken ct)
    {
        var last = afterRevision;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            List<LogRow> page;
            using (var connection = OpenReader())
            using (var transaction = connection.BeginTransaction(deferred: true))
            {
                // Checked in the same snapshot as the page: rows above the compact revision are never deleted.
                var (_, compact) = SqliteSchema.ReadRevisions(connection, transaction);
                if (last < compact)
                {
                    throw new CompactedException(last, compact);
                }

                page = SqliteLogQueries.ReplayPage(connection, transaction, prefix, last, _options.WatchReplayPageSize);
            }

            foreach (var row in page)
            {
                last = row.Id;
                yield return row.ToEvent();
            }

            if (page.Count < _options.WatchReplayPageSize)
            {
                yield break;
            }

            await Task.Yield();
        }
    }

    private SqliteConnection OpenReader()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var connection = new SqliteConnection(_readConnectionString);
        connection.Open();
        return connection;
    }
}
