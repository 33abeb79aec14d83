using Axolotl.Api.Scheme;
using Axolotl.Api.Selectors;
using Axolotl.ApiServer.Registry;
using Axolotl.Storage;

namespace Axolotl.ApiServer.Watch.Cache;

/// <summary>
/// A list that pins the watch cache's indexed field (a node's pods: <c>fieldSelector=spec.nodeName=NODE</c>, every
/// agent's list at its start and after each 410) answered from the index, as kube-apiserver's cacher answers it: the
/// node's keys as of the cache's revision, the objects read by key together. The store's answer reads every pod of the cluster
/// and scans its bytes for the node's name: at 100,000 pods a node's relist read 100,000 rows for its 100.
/// <para>Exact, or not at all (null: the caller lists from the store as before). The cache is first brought up to the
/// revision the list must reflect (for resourceVersion "", the store's current one, read as upstream's consistent read from
/// cache reads it); the answer is the state at the cache's revision only if every object read still has a revision at
/// or below it (a later write to one means another try, at most <see cref="Attempts"/>). Not for a continue, an
/// Exact match, a page smaller than the node's pods, or an empty value (the scheduler's unbound pods: not indexed).</para>
/// </summary>
internal sealed class IndexedListReader(WatchCaches caches, IStore store)
{
    private const int Attempts = 3;

    /// <summary>How long a list waits for the cache to reach the revision it must reflect before the store answers instead.</summary>
    public TimeSpan CatchUpWait { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>How many lists the index answered (tests).</summary>
    public long Served => Interlocked.Read(ref _served);

    private long _served;

    /// <param name="resourceVersion">The list's resourceVersion: null for "" (a consistent read), 0 for any state, N for at least N.</param>
    /// <param name="exact">resourceVersionMatch=Exact: never from the index.</param>
    public async Task<StoreListResult?> TryListAsync(ResourceType type, string? ns, FieldSelector fields, ulong? resourceVersion, bool exact, int limit, bool hasContinue,
        CancellationToken ct)
    {
        if (hasContinue || exact || caches.Started(type) is not { } cache || cache.IndexedField is not { } field
            || !fields.TryGetExactMatch(field, out var value) || value.Length == 0)
        {
            return null;
        }
        var prefix = ObjectStore.Prefix(type, ns);
        // "" is a consistent read: everything written before the request. "0" is any state; N at least N.
        var needed = resourceVersion switch
        {
            null => (await store.ListAsync(prefix, 1, null, ct)).Revision,
            var n => (long)Math.Min(n.Value, (ulong)long.MaxValue),
        };
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            if (!await CatchUpAsync(cache, prefix, needed, ct) || cache.KeysWithAt(field, value, prefix) is not { } found)
            {
                return null;
            }
            var (keys, revision) = found;
            if (limit > 0 && keys.Count > limit)
            {
                return null;
            }
            keys.Sort(StringComparer.Ordinal);
            List<StoreEntry>? items = new(keys.Count);
            foreach (var entry in await store.GetManyAsync(keys, ct))
            {
                if (entry is null || entry.ModRevision > revision)
                {
                    // Written or deleted after the cache's revision: the cache has yet to take that in.
                    needed = Math.Max(revision + 1, entry?.ModRevision ?? 0);
                    items = null;
                    break;
                }
                items.Add(entry);
            }
            if (items is not null)
            {
                Interlocked.Increment(ref _served);
                return new StoreListResult(items, revision, null, 0);
            }
        }
        return null;
    }

    /// <summary>
    /// The store's progress notification moves a cache whose resource is quiet. A store without them (etcd) says instead
    /// whether the list's prefix changed between the cache's revision and the one needed: if not, the cache's state is the
    /// state at the revision needed. Asked again each time the cache moves, until <see cref="CatchUpWait"/> is over.
    /// </summary>
    private async Task<bool> CatchUpAsync(WatchCache cache, string prefix, long revision, CancellationToken ct)
    {
        var started = Time.GetTimestamp();
        var askedForProgress = false;
        while (true)
        {
            var at = cache.Revision;
            if (at >= revision || await store.UnchangedBetweenAsync(prefix, at, revision, ct))
            {
                return true;
            }
            if (!askedForProgress)
            {
                await store.RequestProgressAsync(ct);
                askedForProgress = true;
            }
            var left = CatchUpWait - Time.GetElapsedTime(started);
            if (left <= TimeSpan.Zero || !await cache.WaitForRevisionAsync(at + 1, left, ct))
            {
                return false;
            }
        }
    }
}
