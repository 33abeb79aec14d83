using Axolotl.Api.Scheme;
using Axolotl.Storage.Compaction;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;

namespace Axolotl.Storage.Etcd;

/// <summary>
/// The store on an etcd v3 cluster, with kube-apiserver's mapping (research note §B): keys under
/// "/registry/…" (<see cref="RegistryKeyLayout"/>), revisions are etcd's own (an object's
/// resourceVersion is its mod_revision, a list's the header revision), create is a transaction on
/// mod_revision == 0, update and delete compare the mod_revision, and a watch is an etcd watch from the
/// next revision with prev_kv. Nothing is kept locally but the newest revisions seen, so several API
/// servers can share one cluster. An empty etcd is at revision 1, so the first write is revision 2.
/// </summary>
public sealed class EtcdStore : IStore
{
    /// <summary>etcd's default --max-txn-ops: the most operations one transaction may hold.</summary>
    private const int MaxTxnOps = 128;

    private readonly EtcdStoreOptions _options;
    private readonly EtcdConnection _connection;
    private readonly RegistryKeyLayout _layout;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _lifetime = new();
    private StoreCompactor? _compactor;
    private long _currentRevision;
    private long _compactRevision;
    private int _disposed;

    private EtcdStore(EtcdStoreOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _connection = new EtcdConnection(options, time);
        _layout = new RegistryKeyLayout(options.KeyPrefix, KnownResources.All.Select(r => r.StorageResource).Where(r => r.Length > 0));
    }

    public long CurrentRevision => Interlocked.Read(ref _currentRevision);

    public long CompactRevision => Interlocked.Read(ref _compactRevision);

    /// <summary>The members this store talks to, for messages.</summary>
    public string Endpoints => _connection.Describe();

    internal RegistryKeyLayout Layout => _layout;

    internal EtcdConnection Connection => _connection;

    internal TimeProvider Time => _time;

    internal EtcdStoreOptions Options => _options;

    /// <summary>The background compactor, when <see cref="EtcdStoreOptions.CompactionInterval"/> enabled one.</summary>
    internal StoreCompactor? Compactor => _compactor;

    internal CancellationToken Lifetime => _lifetime.Token;

    /// <summary>
    /// Connects (one read, so an unreachable cluster fails here with <see cref="StoreUnavailableException"/>),
    /// learns the current and compacted revisions, and starts the background compactor if configured.
    /// </summary>
    public static async Task<EtcdStore> OpenAsync(EtcdStoreOptions options, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.WatchChannelCapacity, 1);
        var store = new EtcdStore(options, time);
        try
        {
            store.Observe(await store.CountAtAsync(0, ct));
            Interlocked.Exchange(ref store._compactRevision, await store.FindCompactRevisionAsync(ct));
            // Made (and so checked) even when the compactor is off: a bad threshold is refused, never ignored.
            var defragmenter = new EtcdDefragmenter(store._connection, new EtcdDefragmentationPlanner(options.DefragmentMinimumBytes, options.DefragmentFragmentedFraction),
                options.RequestTimeout, options.DefragmentTimeout, options.Logger);
            if (options.CompactionInterval > TimeSpan.Zero)
            {
                store._compactor = new StoreCompactor(store, options.CompactionInterval, options.CompactionRetainRevisions, time, options.OnBackgroundError,
                    async ct => await defragmenter.RunAsync(ct));
                store._compactor.Start();
            }

            return store;
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }

    public async Task<StoreEntry?> GetAsync(string key, CancellationToken ct)
    {
        var request = new RangeRequest { Key = EtcdKeys.Of(_layout.ToEtcd(key)) };
        var answer = await CallAsync((m, o) => m.Kv.RangeAsync(request, o), idempotent: true, ct);
        Observe(answer.Header.Revision);
        return answer.Kvs.Count == 0 ? null : new StoreEntry(key, answer.Kvs[0].Value.Memory, answer.Kvs[0].CreateRevision, answer.Kvs[0].ModRevision);
    }

    public async Task<IReadOnlyList<StoreEntry?>> GetManyAsync(IReadOnlyList<string> keys, CancellationToken ct)
    {
        var entries = new StoreEntry?[keys.Count];
        for (var start = 0; start < keys.Count; start += MaxTxnOps)
        {
            var request = new TxnRequest();
            for (var i = start; i < Math.Min(keys.Count, start + MaxTxnOps); i++)
            {
                request.Success.Add(new RequestOp { RequestRange = new RangeRequest { Key = EtcdKeys.Of(_layout.ToEtcd(keys[i])) } });
            }

            var answer = await CallAsync((m, o) => m.Kv.TxnAsync(request, o), idempotent: true, ct);
            Observe(answer.Header.Revision);
            for (var i = 0; i < answer.Responses.Count; i++)
            {
                if (answer.Responses[i].ResponseRange?.Kvs is [var kv, ..])
                {
                    entries[start + i] = new StoreEntry(keys[start + i], kv.Value.Memory, kv.CreateRevision, kv.ModRevision);
                }
            }
        }

        return entries;
    }

    public Task<StoreListResult> ListAsync(string prefix, int limit, string? continueToken, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var token = string.IsNullOrEmpty(continueToken) ? (ContinueToken?)null : ContinueToken.Decode(continueToken, prefix);
        return ListCoreAsync(prefix, limit, token?.Revision ?? 0, token?.LastKey, ct);
    }

    public Task<StoreListResult> ListAtRevisionAsync(string prefix, long revision, int limit, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        // etcd reads revision 0 as "the newest"; below 1 nothing was ever written.
        ArgumentOutOfRangeException.ThrowIfLessThan(revision, 1);
        return ListCoreAsync(prefix, limit, revision, null, ct);
    }

    public async Task<StoreEntry> CreateAsync(string key, ReadOnlyMemory<byte> value, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var etcdKey = EtcdKeys.Of(_layout.ToEtcd(key));
        var bytes = value.ToArray();
        var request = new TxnRequest
        {
            Compare = { new Compare { Key = etcdKey, Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Equal, ModRevision = 0 } },
            Success = { new RequestOp { RequestPut = new PutRequest { Key = etcdKey, Value = UnsafeByteOperations.UnsafeWrap(bytes) } } },
        };
        var answer = await CallAsync((m, o) => m.Kv.TxnAsync(request, o), idempotent: false, ct);
        var revision = answer.Header.Revision;
        Observe(revision);
        return answer.Succeeded ? new StoreEntry(key, bytes, revision, revision) : throw new KeyExistsException(key);
    }

    public async Task<StoreEntry> UpdateAsync(string key, ReadOnlyMemory<byte> value, long expectedRevision, CancellationToken ct)
    {
        var etcdKey = EtcdKeys.Of(_layout.ToEtcd(key));
        var bytes = value.ToArray();
        var request = ConditionalTxn(etcdKey, expectedRevision, anyRevision: false,
            new RequestOp { RequestPut = new PutRequest { Key = etcdKey, Value = UnsafeByteOperations.UnsafeWrap(bytes), PrevKv = true } });
        var answer = await CallAsync((m, o) => m.Kv.TxnAsync(request, o), idempotent: false, ct);
        var revision = answer.Header.Revision;
        Observe(revision);
        if (!answer.Succeeded)
        {
            throw Refusal(key, expectedRevision, answer);
        }

        return new StoreEntry(key, bytes, FirstResponse(answer)?.ResponsePut?.PrevKv?.CreateRevision ?? 0, revision);
    }

    public async Task<StoreEntry> DeleteAsync(string key, long expectedRevision, CancellationToken ct)
    {
        var etcdKey = EtcdKeys.Of(_layout.ToEtcd(key));
        var request = ConditionalTxn(etcdKey, expectedRevision, anyRevision: expectedRevision == 0,
            new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = etcdKey, PrevKv = true } });
        var answer = await CallAsync((m, o) => m.Kv.TxnAsync(request, o), idempotent: false, ct);
        var revision = answer.Header.Revision;
        Observe(revision);
        if (!answer.Succeeded)
        {
            throw Refusal(key, expectedRevision, answer);
        }

        return FirstResponse(answer)?.ResponseDeleteRange?.PrevKvs is [var previous, ..]
            ? new StoreEntry(key, previous.Value.Memory, previous.CreateRevision, revision)
            : throw new StoreException($"etcd deleted {etcdKey.ToStringUtf8()} without returning its previous value");
    }

    public IAsyncEnumerable<StoreEvent> WatchAsync(string prefix, long afterRevision, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        return new EtcdWatch(this, prefix, afterRevision).ReadAsync(ct);
    }

    /// <summary>
    /// Unchanged when no key alive at <paramref name="atRevision"/> was written after <paramref name="afterRevision"/> (so
    /// every key then was there before, unchanged) and as many keys were alive at both revisions (so none went). Three
    /// reads: the first reads the prefix's keys at etcd (it sends none back unless one changed), the counts only etcd's index.
    /// </summary>
    public async Task<bool> UnchangedBetweenAsync(string prefix, long afterRevision, long atRevision, CancellationToken ct)
    {
        if (afterRevision >= atRevision)
        {
            return afterRevision == atRevision;
        }

        if (afterRevision < Math.Max(1, CompactRevision) || _layout.PrefixToEtcd(prefix) is not { } etcdPrefix)
        {
            return false;
        }

        var range = new RangeRequest { Key = EtcdKeys.Of(etcdPrefix), RangeEnd = EtcdKeys.PrefixEnd(etcdPrefix), Revision = atRevision };
        var written = range.Clone();
        written.MinModRevision = afterRevision + 1;
        written.KeysOnly = true;
        written.Limit = 1;
        var before = range.Clone();
        before.Revision = afterRevision;
        before.CountOnly = true;
        var after = range.Clone();
        after.CountOnly = true;
        try
        {
            if ((await CallAsync((m, o) => m.Kv.RangeAsync(written, o), idempotent: true, ct)).Kvs.Count > 0)
            {
                return false;
            }

            var then = await CallAsync((m, o) => m.Kv.RangeAsync(before, o), idempotent: true, ct);
            var now = await CallAsync((m, o) => m.Kv.RangeAsync(after, o), idempotent: true, ct);
            return then.Count == now.Count;
        }
        catch (EtcdRevisionException)
        {
            // Compacted meanwhile, or a revision this member has not applied yet: unsure.
            return false;
        }
    }

    public async Task CompactAsync(long revision, CancellationToken ct)
    {
        if (revision <= CompactRevision)
        {
            return;
        }

        // physical: answer only once the old revisions are gone, so what follows sees a finished compaction.
        var request = new CompactionRequest { Revision = revision, Physical = true };
        try
        {
            var answer = await CallAsync((m, o) => m.Kv.CompactAsync(request, o), idempotent: true, ct);
            Observe(answer.Header.Revision);
            ObserveCompaction(revision);
        }
        catch (EtcdRevisionException e) when (!e.Compacted)
        {
            throw new ArgumentOutOfRangeException(nameof(revision), revision, $"cannot compact beyond the current revision {CurrentRevision}");
        }
        catch (EtcdRevisionException)
        {
            // Someone (another API server) compacted further already.
            ObserveCompaction(await FindCompactRevisionAsync(ct));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_compactor is not null)
        {
            await _compactor.DisposeAsync();
        }

        // Ends every watch: their pumps see the lifetime token and complete their channels normally.
        await _lifetime.CancelAsync();
        _connection.Dispose();
        _lifetime.Dispose();
    }

    /// <summary>Remembers the newest revision etcd reported; revisions only go forward.</summary>
    internal void Observe(long revision)
    {
        var seen = Interlocked.Read(ref _currentRevision);
        while (revision > seen)
        {
            var before = Interlocked.CompareExchange(ref _currentRevision, revision, seen);
            if (before == seen)
            {
                return;
            }

            seen = before;
        }
    }

    internal void ObserveCompaction(long revision)
    {
        var seen = Interlocked.Read(ref _compactRevision);
        while (revision > seen)
        {
            var before = Interlocked.CompareExchange(ref _compactRevision, revision, seen);
            if (before == seen)
            {
                return;
            }

            seen = before;
        }
    }

    internal async Task<T> CallAsync<T>(Func<EtcdEndpoint, CallOptions, AsyncUnaryCall<T>> call, bool idempotent, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return await _connection.CallAsync(call, idempotent, ct);
    }

    private async Task<StoreListResult> ListCoreAsync(string prefix, int limit, long revision, string? afterKey, CancellationToken ct)
    {
        var etcdPrefix = _layout.PrefixToEtcd(prefix);
        if (etcdPrefix is null)
        {
            // Paging across resources would need the store's key order, which the etcd layout does not keep.
            if (limit != 0 || afterKey is not null)
            {
                throw new NotSupportedException($"the etcd store pages only within one resource, not under \"{prefix}\"");
            }

            return await ListAcrossResourcesAsync(prefix, revision, ct);
        }

        var request = new RangeRequest
        {
            Key = afterKey is null ? EtcdKeys.Of(etcdPrefix) : EtcdKeys.After(_layout.ToEtcd(afterKey)),
            RangeEnd = EtcdKeys.PrefixEnd(etcdPrefix),
            Limit = limit,
            Revision = revision,
        };
        var answer = await RangeAtAsync(request, revision, afterKey is not null, ct);
        var listRevision = revision == 0 ? answer.Header.Revision : revision;
        Observe(answer.Header.Revision);
        var items = new List<StoreEntry>(answer.Kvs.Count);
        foreach (var kv in answer.Kvs)
        {
            items.Add(new StoreEntry(prefix + kv.Key.ToStringUtf8()[etcdPrefix.Length..], kv.Value.Memory, kv.CreateRevision, kv.ModRevision));
        }

        if (!answer.More || items.Count == 0)
        {
            return new StoreListResult(items, listRevision, null, 0);
        }

        var remaining = answer.Count - items.Count;
        return new StoreListResult(items, listRevision, new ContinueToken(listRevision, items[^1].Key).Encode(), remaining);
    }

    private async Task<StoreListResult> ListAcrossResourcesAsync(string prefix, long revision, CancellationToken ct)
    {
        var request = new RangeRequest { Key = EtcdKeys.Of(_layout.Root), RangeEnd = EtcdKeys.PrefixEnd(_layout.Root), Revision = revision };
        var answer = await RangeAtAsync(request, revision, fromContinue: false, ct);
        Observe(answer.Header.Revision);
        var items = new List<StoreEntry>();
        foreach (var kv in answer.Kvs)
        {
            if (_layout.FromEtcd(kv.Key.ToStringUtf8()) is { } key && key.StartsWith(prefix, StringComparison.Ordinal))
            {
                items.Add(new StoreEntry(key, kv.Value.Memory, kv.CreateRevision, kv.ModRevision));
            }
        }

        items.Sort((a, b) => KeyOrder.Instance.Compare(a.Key, b.Key));
        return new StoreListResult(items, revision == 0 ? answer.Header.Revision : revision, null, 0);
    }

    private async Task<RangeResponse> RangeAtAsync(RangeRequest request, long revision, bool fromContinue, CancellationToken ct)
    {
        try
        {
            return await CallAsync((m, o) => m.Kv.RangeAsync(request, o), idempotent: true, ct);
        }
        catch (EtcdRevisionException e) when (e.Compacted)
        {
            var compact = await FindCompactRevisionAsync(ct);
            ObserveCompaction(compact);
            throw new CompactedException(revision, compact);
        }
        catch (EtcdRevisionException) when (fromContinue)
        {
            throw new InvalidContinueTokenException("continue token is from a newer revision than this store has");
        }
        catch (EtcdRevisionException)
        {
            throw new ArgumentOutOfRangeException(nameof(revision), revision, $"revision {revision} is newer than the store's current revision");
        }
    }

    /// <summary>A count-only read of one key at a revision (0 = newest); returns the header revision.</summary>
    private async Task<long> CountAtAsync(long revision, CancellationToken ct)
    {
        var request = new RangeRequest { Key = EtcdKeys.Of(_layout.Root), CountOnly = true, Revision = revision };
        var answer = await CallAsync((m, o) => m.Kv.RangeAsync(request, o), idempotent: true, ct);
        return answer.Header.Revision;
    }

    /// <summary>
    /// etcd does not report its compacted revision; it is the lowest revision a read still succeeds at, so
    /// find it by bisection (about log2(current) count-only reads; done at open and after a compaction race).
    /// </summary>
    private async Task<long> FindCompactRevisionAsync(CancellationToken ct)
    {
        long low = 1, high = Math.Max(1, CurrentRevision);
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            try
            {
                await CountAtAsync(middle, ct);
                high = middle;
            }
            catch (EtcdRevisionException e) when (e.Compacted)
            {
                low = middle + 1;
            }
        }

        // Readable from revision 1 means nothing was compacted (compacting at 1 forgets nothing either).
        return low <= 1 ? 0 : low;
    }

    private static ResponseOp? FirstResponse(TxnResponse answer) => answer.Responses.Count == 0 ? null : answer.Responses[0];

    /// <summary>Why a compare failed, from the key as the failure branch read it.</summary>
    private static StoreException Refusal(string key, long expectedRevision, TxnResponse answer) =>
        FirstResponse(answer)?.ResponseRange?.Kvs is [var kv, ..]
            ? new RevisionConflictException(key, expectedRevision, kv.ModRevision)
            : new KeyNotFoundInStoreException(key);

    /// <summary>
    /// If the key exists (version &gt; 0) and, unless <paramref name="anyRevision"/>, its mod_revision is the
    /// expected one, do <paramref name="success"/>; otherwise read the key so the caller can say why not.
    /// </summary>
    private static TxnRequest ConditionalTxn(ByteString etcdKey, long expectedRevision, bool anyRevision, RequestOp success)
    {
        var request = new TxnRequest
        {
            Compare = { new Compare { Key = etcdKey, Target = Compare.Types.CompareTarget.Version, Result = Compare.Types.CompareResult.Greater, Version = 0 } },
            Success = { success },
            Failure = { new RequestOp { RequestRange = new RangeRequest { Key = etcdKey } } },
        };
        if (!anyRevision)
        {
            request.Compare.Add(new Compare { Key = etcdKey, Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Equal, ModRevision = expectedRevision });
        }

        return request;
    }
}
