using Axolotl.Storage;

namespace Axolotl.ApiServer.Tests;

/// <summary>Records the prefixes listed (and may report a later revision); everything else goes to the store underneath.</summary>
internal sealed class ListCountingStore(IStore inner) : IStore
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _listed = new();

    private readonly System.Collections.Concurrent.ConcurrentQueue<int> _limits = new();

    public IReadOnlyList<string> Listed => [.. _listed];

    /// <summary>Each list's limit (0: all), in the order of <see cref="Listed"/>.</summary>
    public IReadOnlyList<int> ListedLimits => [.. _limits];

    /// <summary>Added to the revision the store reports.</summary>
    public long RevisionsAhead { get; init; }

    public long CurrentRevision => inner.CurrentRevision + RevisionsAhead;

    public long CompactRevision => inner.CompactRevision;

    public Task<StoreListResult> ListAsync(string prefix, int limit, string? continueToken, CancellationToken ct)
    {
        _listed.Enqueue(prefix);
        _limits.Enqueue(limit);
        return inner.ListAsync(prefix, limit, continueToken, ct);
    }

    public Task<StoreListResult> ListAtRevisionAsync(string prefix, long revision, int limit, CancellationToken ct)
    {
        _listed.Enqueue(prefix);
        _limits.Enqueue(limit);
        return inner.ListAtRevisionAsync(prefix, revision, limit, ct);
    }

    public Task CompactAsync(long revision, CancellationToken ct) => inner.CompactAsync(revision, ct);

    public Task<StoreEntry> CreateAsync(string key, ReadOnlyMemory<byte> value, CancellationToken ct) => inner.CreateAsync(key, value, ct);

    public Task<StoreEntry> DeleteAsync(string key, long expectedRevision, CancellationToken ct) => inner.DeleteAsync(key, expectedRevision, ct);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public Task<StoreEntry?> GetAsync(string key, CancellationToken ct) => inner.GetAsync(key, ct);

    public Task<StoreEntry> UpdateAsync(string key, ReadOnlyMemory<byte> value, long expectedRevision, CancellationToken ct) => inner.UpdateAsync(key, value, expectedRevision, ct);

    public IAsyncEnumerable<StoreEvent> WatchAsync(string prefix, long afterRevision, CancellationToken ct) => inner.WatchAsync(prefix, afterRevision, ct);

    /// <summary>False: the store's watches get no progress notifications, as etcd's (ADR 0032).</summary>
    public bool SendsProgress { get; init; } = true;

    /// <summary>How many times a reader asked whether a prefix changed.</summary>
    public int UnchangedAsked => Volatile.Read(ref _unchangedAsked);

    private int _unchangedAsked;

    public IAsyncEnumerable<StoreEvent> WatchWithProgressAsync(string prefix, long afterRevision, CancellationToken ct) =>
        SendsProgress ? inner.WatchWithProgressAsync(prefix, afterRevision, ct) : inner.WatchAsync(prefix, afterRevision, ct);

    public Task RequestProgressAsync(CancellationToken ct) => SendsProgress ? inner.RequestProgressAsync(ct) : Task.CompletedTask;

    public Task<bool> UnchangedBetweenAsync(string prefix, long afterRevision, long atRevision, CancellationToken ct)
    {
        Interlocked.Increment(ref _unchangedAsked);
        return inner.UnchangedBetweenAsync(prefix, afterRevision, atRevision, ct);
    }
}
