namespace Axolotl.Storage;

/// <summary>
/// A revisioned key/value log with watch, shaped like etcd's and kine's: every write gets the next
/// revision of the whole store; a key's ModRevision is the revision of its last write. Only the API
/// server uses it. Keys look like "/pods/default/web-1"; values are opaque bytes (JSON).
/// </summary>
public interface IStore : IAsyncDisposable
{
    /// <summary>The revision of the newest write (0 for an empty store).</summary>
    long CurrentRevision { get; }

    /// <summary>The oldest revision a watch may start after; older starts throw <see cref="CompactedException"/>.</summary>
    long CompactRevision { get; }

    Task<StoreEntry?> GetAsync(string key, CancellationToken ct);

    /// <summary>
    /// <see cref="GetAsync"/> for each key, in the keys' order (null where a key is missing). A store that can read them
    /// in one round trip does (etcd: one transaction of ranges per 128 keys, so all at one revision).
    /// </summary>
    async Task<IReadOnlyList<StoreEntry?>> GetManyAsync(IReadOnlyList<string> keys, CancellationToken ct)
    {
        var entries = new StoreEntry?[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            entries[i] = await GetAsync(keys[i], ct);
        }

        return entries;
    }

    /// <summary>
    /// Lists keys that start with <paramref name="prefix"/>, ordered by key, at one consistent revision.
    /// <paramref name="limit"/> 0 means all; a non-null Continue in the result resumes after the last key
    /// at the same revision (a compacted continue revision throws <see cref="CompactedException"/>).
    /// A token this store did not issue for this prefix throws <see cref="InvalidContinueTokenException"/>
    /// (an <see cref="ArgumentException"/>: answer 400). Keys are ordered by Unicode code point.
    /// </summary>
    Task<StoreListResult> ListAsync(string prefix, int limit, string? continueToken, CancellationToken ct);

    /// <summary>
    /// Lists as <see cref="ListAsync"/> does, but as the keys were at <paramref name="revision"/> (etcd's read at a
    /// revision; the API's resourceVersionMatch=Exact). A Continue token resumes at that same revision. Throws
    /// <see cref="CompactedException"/> when the revision is below <see cref="CompactRevision"/> and
    /// <see cref="ArgumentOutOfRangeException"/> when it is above <see cref="CurrentRevision"/>.
    /// </summary>
    Task<StoreListResult> ListAtRevisionAsync(string prefix, long revision, int limit, CancellationToken ct);

    /// <summary>Creates the key; throws <see cref="KeyExistsException"/> when it exists.</summary>
    Task<StoreEntry> CreateAsync(string key, ReadOnlyMemory<byte> value, CancellationToken ct);

    /// <summary>Replaces the key's value if its ModRevision equals <paramref name="expectedRevision"/>;
    /// throws <see cref="KeyNotFoundInStoreException"/> or <see cref="RevisionConflictException"/>.</summary>
    Task<StoreEntry> UpdateAsync(string key, ReadOnlyMemory<byte> value, long expectedRevision, CancellationToken ct);

    /// <summary>Deletes the key if its ModRevision equals <paramref name="expectedRevision"/> (0 = any);
    /// returns the deleted entry with the deletion's revision as ModRevision.</summary>
    Task<StoreEntry> DeleteAsync(string key, long expectedRevision, CancellationToken ct);

    /// <summary>
    /// Streams every change to keys under <paramref name="prefix"/> with a revision greater than
    /// <paramref name="afterRevision"/>, in revision order, then live changes until cancelled.
    /// Throws <see cref="CompactedException"/> (at once or later) when the start was compacted or the
    /// watcher fell too far behind; the caller relists.
    /// Starting after 0 replays all history only while nothing has been compacted: serve a client's
    /// resourceVersion "0" as a list plus a watch after the list's revision. The stream is lazy (it
    /// subscribes when enumeration starts), ends normally when the store is disposed, and a watcher
    /// that fell behind gets <see cref="CompactedException"/> whose RequestedRevision is the last
    /// revision it was given.
    /// </summary>
    IAsyncEnumerable<StoreEvent> WatchAsync(string prefix, long afterRevision, CancellationToken ct);

    /// <summary>
    /// <see cref="WatchAsync"/> with <see cref="StoreEventType.Progress"/> events between the changes (etcd's progress
    /// notifications): each says that every change under the prefix up to its revision has been given, so a
    /// watcher of a quiet prefix can tell its own clients a recent revision to resume from (kube-apiserver's
    /// bookmarks). Progress is sent after <see cref="RequestProgressAsync"/>; a store that cannot vouch for it
    /// sends none, and the stream is <see cref="WatchAsync"/>'s.
    /// </summary>
    IAsyncEnumerable<StoreEvent> WatchWithProgressAsync(string prefix, long afterRevision, CancellationToken ct) => WatchAsync(prefix, afterRevision, ct);

    /// <summary>Sends a <see cref="StoreEventType.Progress"/> at the current revision to every watch that asked for progress.</summary>
    Task RequestProgressAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>
    /// Whether no key under <paramref name="prefix"/> was created, changed or deleted after <paramref name="afterRevision"/>
    /// up to <paramref name="atRevision"/>, so that a reader holding every change up to the first holds the state at the
    /// second. For a store whose watches get no <see cref="RequestProgressAsync"/> (etcd's progress answers cannot be trusted
    /// before 3.4.26, ADR 0032), this is how a watch cache of a quiet prefix learns it is current. False when unsure
    /// (a compacted <paramref name="afterRevision"/>, say); the default is always unsure.
    /// </summary>
    Task<bool> UnchangedBetweenAsync(string prefix, long afterRevision, long atRevision, CancellationToken ct) => Task.FromResult(false);

    /// <summary>Forgets history at and below <paramref name="revision"/> (current values stay). A revision at
    /// or below <see cref="CompactRevision"/> is a no-op; one above <see cref="CurrentRevision"/> throws
    /// <see cref="ArgumentOutOfRangeException"/>.</summary>
    Task CompactAsync(long revision, CancellationToken ct);
}

public sealed record StoreEntry(string Key, ReadOnlyMemory<byte> Value, long CreateRevision, long ModRevision);

public sealed record StoreListResult(IReadOnlyList<StoreEntry> Items, long Revision, string? Continue, long RemainingCount);

public enum StoreEventType
{
    Added,
    Modified,
    Deleted,

    /// <summary>Not a change: every change up to the entry's ModRevision has been given (its key is empty).</summary>
    Progress,
}

/// <summary>A change: for Deleted, Entry holds the last value and the deletion revision as ModRevision.</summary>
public sealed record StoreEvent(StoreEventType Type, StoreEntry Entry);

public class StoreException(string message) : Exception(message);

public sealed class KeyExistsException(string key) : StoreException($"key exists: {key}");

public sealed class KeyNotFoundInStoreException(string key) : StoreException($"key not found: {key}");

public sealed class RevisionConflictException(string key, long expected, long actual)
    : StoreException($"revision conflict on {key}: expected {expected}, found {actual}")
{
    public long ActualRevision { get; } = actual;
}

public sealed class CompactedException(long requested, long compacted)
    : StoreException($"too old resource version: {requested} ({compacted})")
{
    public long RequestedRevision { get; } = requested;
    public long CompactedRevision { get; } = compacted;
}
