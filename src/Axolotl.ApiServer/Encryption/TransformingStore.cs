using System.Runtime.CompilerServices;
using Axolotl.Storage;

namespace Axolotl.ApiServer.Encryption;

/// <summary>
/// The store as the API server sees it when values of some resources are encrypted at rest: writes
/// under a configured prefix are transformed before they reach the inner store and every read (get,
/// list, watch events, the entries writes return) is transformed back, so no other part of the server
/// ever handles ciphertext. Revisions, keys and compaction pass through unchanged.
/// </summary>
public sealed class TransformingStore(IStore inner, IReadOnlyDictionary<string, IValueTransformer> byPrefix) : IStore
{
    public long CurrentRevision => inner.CurrentRevision;

    public long CompactRevision => inner.CompactRevision;

    public async Task<StoreEntry?> GetAsync(string key, CancellationToken ct) =>
        await inner.GetAsync(key, ct) is { } entry ? Read(entry) : null;

    public async Task<IReadOnlyList<StoreEntry?>> GetManyAsync(IReadOnlyList<string> keys, CancellationToken ct)
    {
        var entries = await inner.GetManyAsync(keys, ct);
        return byPrefix.Count == 0 ? entries : [.. entries.Select(e => e is null ? null : Read(e))];
    }

    public async Task<StoreListResult> ListAsync(string prefix, int limit, string? continueToken, CancellationToken ct)
    {
        var result = await inner.ListAsync(prefix, limit, continueToken, ct);
        return byPrefix.Count == 0 ? result : result with { Items = [.. result.Items.Select(Read)] };
    }

    public async Task<StoreListResult> ListAtRevisionAsync(string prefix, long revision, int limit, CancellationToken ct)
    {
        var result = await inner.ListAtRevisionAsync(prefix, revision, limit, ct);
        return byPrefix.Count == 0 ? result : result with { Items = [.. result.Items.Select(Read)] };
    }

    public async Task<StoreEntry> CreateAsync(string key, ReadOnlyMemory<byte> value, CancellationToken ct) =>
        await inner.CreateAsync(key, Write(key, value), ct) with { Value = value };

    public async Task<StoreEntry> UpdateAsync(string key, ReadOnlyMemory<byte> value, long expectedRevision, CancellationToken ct) =>
        await inner.UpdateAsync(key, Write(key, value), expectedRevision, ct) with { Value = value };

    public async Task<StoreEntry> DeleteAsync(string key, long expectedRevision, CancellationToken ct) =>
        Read(await inner.DeleteAsync(key, expectedRevision, ct));

    public async IAsyncEnumerable<StoreEvent> WatchAsync(string prefix, long afterRevision, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var change in inner.WatchAsync(prefix, afterRevision, ct))
        {
            yield return change with { Entry = Read(change.Entry) };
        }
    }

    public async IAsyncEnumerable<StoreEvent> WatchWithProgressAsync(string prefix, long afterRevision, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var change in inner.WatchWithProgressAsync(prefix, afterRevision, ct))
        {
            yield return change.Type == StoreEventType.Progress ? change : change with { Entry = Read(change.Entry) };
        }
    }

    public Task RequestProgressAsync(CancellationToken ct) => inner.RequestProgressAsync(ct);

    public Task<bool> UnchangedBetweenAsync(string prefix, long afterRevision, long atRevision, CancellationToken ct) =>
        inner.UnchangedBetweenAsync(prefix, afterRevision, atRevision, ct);

    public Task CompactAsync(long revision, CancellationToken ct) => inner.CompactAsync(revision, ct);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private IValueTransformer? Transformer(string key)
    {
        foreach (var (prefix, transformer) in byPrefix)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                return transformer;
            }
        }
        return null;
    }

    private ReadOnlyMemory<byte> Write(string key, ReadOnlyMemory<byte> value) =>
        Transformer(key) is { } transformer ? transformer.ToStorage(value.Span, key) : value;

    private StoreEntry Read(StoreEntry entry) =>
        Transformer(entry.Key) is { } transformer ? entry with { Value = transformer.FromStorage(entry.Value.Span, entry.Key) } : entry;
}
