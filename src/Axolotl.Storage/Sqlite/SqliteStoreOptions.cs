using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Storage.Sqlite;

/// <summary>How SQLite's <c>PRAGMA synchronous</c> is set on the write connection (WAL mode).</summary>
public enum SqliteSynchronous
{
    /// <summary>fsync the WAL on every commit: an acknowledged write survives process crash and power loss.</summary>
    Full,

    /// <summary>fsync only at checkpoints: survives a process crash (kill -9), may lose the newest writes on power loss.</summary>
    Normal,
}

public sealed class SqliteStoreOptions
{
    /// <summary>The database file; its directory must exist. "-wal" and "-shm" files appear next to it.</summary>
    public required string Path { get; init; }

    /// <summary>
    /// Normal by default: the requirement is surviving kill -9, which WAL + NORMAL meets, and on the
    /// reference machine (2 cores, ext4 on virtio, busy) Full cost p50 4-6 ms and p99 23-28 ms per create
    /// against p50 0.035 ms and p99 5-9 ms for Normal. Choose Full where power loss must not lose writes.
    /// </summary>
    public SqliteSynchronous Synchronous { get; init; } = SqliteSynchronous.Normal;

    /// <summary>How often the background compactor runs; <see cref="TimeSpan.Zero"/> turns it off.</summary>
    public TimeSpan CompactionInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The background compactor never forgets the newest this-many revisions, nor anything written during
    /// the last <see cref="CompactionInterval"/> (it compacts up to the revision it saw one tick earlier).
    /// 1,000 as kine's minimum retention: the interval already keeps what a reconnecting watcher needs, and a
    /// count that is large against the live keys (it was 10,000) is history the file carries for nothing —
    /// a soak with 591 keys reached 50 MB before the count was even written once.
    /// </summary>
    public long CompactionRetainRevisions { get; init; } = 1_000;

    /// <summary>
    /// The write-ahead log is checkpointed into the database every this-many pages (SQLite's wal_autocheckpoint)
    /// and cut back to this size after a checkpoint (journal_size_limit), so "-wal" stays near pages × page size
    /// instead of keeping the largest size it ever reached.
    /// </summary>
    public int WalCheckpointPages { get; init; } = 1000;

    /// <summary>
    /// SQLite's soft heap limit (<c>PRAGMA soft_heap_limit</c>, for the whole process: the last store opened sets it), 0 for
    /// none. Each connection
    /// caches up to 2 MiB of pages by default and fills that as the database grows, so the server held 8 MB more
    /// natively at 100 pods than at 10 (about 90 kB per pod, docs/flows/node-memory.md); over the limit the page
    /// cache recycles its least recent pages instead of growing, and a miss is a read from the OS's page cache.
    /// </summary>
    public long SoftHeapLimitBytes { get; init; } = 4L * 1024 * 1024;

    /// <summary>Rows deleted per write transaction while compacting, so writers wait at most one batch.</summary>
    public int CompactionBatchSize { get; init; } = 1000;

    /// <summary>Events a watcher may have queued before it is dropped with <see cref="CompactedException"/>.</summary>
    public int WatchChannelCapacity { get; init; } = 1000;

    /// <summary>Log rows read per query while a watch replays history.</summary>
    public int WatchReplayPageSize { get; init; } = 500;

    /// <summary>Called when a background compaction fails; the next tick tries again.</summary>
    public Action<Exception>? OnBackgroundError { get; init; }

    /// <summary>Where the store says what it did to the file: the one-time VACUUM at open, space returned after compaction.</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;
}
