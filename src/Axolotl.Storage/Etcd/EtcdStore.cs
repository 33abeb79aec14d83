using System.Text;
using System.Text.Json;
using Axolotl.Api.Scheme;
using Axolotl.Storage.Compaction;

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
    private readonly EtcdStoreOptions _options;
    private readonly EtcdGateway _gateway;
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
        _gateway = new EtcdGateway(options, time);
        _layout = new RegistryKeyLayout(options.KeyPrefix, KnownResources.All.Select(r => r.StorageResource).Where(r => r.Length > 0));
    }

    public long CurrentRevision => Interlocked.Read(ref _currentRevision);

    public long CompactRevision => Interlocked.Read(ref _compactRevision);

    /// <summary>The members this store talks to, for messages.</summary>
    public string Endpoints => _gateway.Describe();

    internal RegistryKeyLayout Layout => _layout;

    internal EtcdGateway Gateway => _gateway;

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
            var defragmenter = new EtcdDefragmenter(store._gateway, new EtcdDefragmentationPlanner(options.DefragmentMinimumBytes, options.DefragmentFragmentedFraction),
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
        var body = EtcdJson.Body(w => EtcdJson.WriteKey(w, "key", _layout.ToEtcd(key)));
        using var answer = await PostAsync("/v3/kv/range", body, idempotent: true, ct);
        var root = answer.RootElement;
        Observe(EtcdJson.HeaderRevision(root));
        foreach (var kv in EtcdJson.Array(root, "kvs"))
        {
            var parsed = EtcdKeyValue.Parse(kv);
            return new StoreEntry(key, parsed.Value, parsed.CreateRevision, parsed.ModRevision);
        }

        return null;
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
        var etcdKey = _layout.ToEtcd(key);
        var bytes = value.ToArray();
        var body = EtcdJson.Body(w =>
        {
            w.WriteStartArray("compare");
            WriteCompareItem(w, etcdKey, "MOD", "EQUAL", "mod_revision", 0);
            w.WriteEndArray();
            w.WriteStartArray("success");
            w.WriteStartObject();
            w.WriteStartObject("request_put");
            EtcdJson.WriteKey(w, "key", etcdKey);
            w.WriteBase64String("value", bytes);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
        });
        using var answer = await PostAsync("/v3/kv/txn", body, idempotent: false, ct);
        var root = answer.RootElement;
        var revision = EtcdJson.HeaderRevision(root);
        Observe(revision);
        return EtcdJson.Bool(root, "succeeded") ? new StoreEntry(key, bytes, revision, revision) : throw new KeyExistsException(key);
    }

    public async Task<StoreEntry> UpdateAsync(string key, ReadOnlyMemory<byte> value, long expectedRevision, CancellationToken ct)
    {
        var etcdKey = _layout.ToEtcd(key);
        var bytes = value.ToArray();
        var body = ConditionalTxn(etcdKey, expectedRevision, anyRevision: false, w =>
        {
            w.WriteStartObject("request_put");
            EtcdJson.WriteKey(w, "key", etcdKey);
            w.WriteBase64String("value", bytes);
            w.WriteBoolean("prev_kv", true);
            w.WriteEndObject();
        });
        using var answer = await PostAsync("/v3/kv/txn", body, idempotent: false, ct);
        var root = answer.RootElement;
        var revision = EtcdJson.HeaderRevision(root);
        Observe(revision);
        var response = FirstResponse(root);
        if (!EtcdJson.Bool(root, "succeeded"))
        {
            throw Refusal(key, expectedRevision, EtcdJson.Child(response, "response_range"));
        }

        var previous = EtcdJson.Child(EtcdJson.Child(response, "response_put"), "prev_kv");
        return new StoreEntry(key, bytes, EtcdJson.Long(previous, "create_revision"), revision);
    }

    public async Task<StoreEntry> DeleteAsync(string key, long expectedRevision, CancellationToken ct)
    {
        var etcdKey = _layout.ToEtcd(key);
        var body = ConditionalTxn(etcdKey, expectedRevision, anyRevision: expectedRevision == 0, w =>
        {
            w.WriteStartObject("request_delete_range");
            EtcdJson.WriteKey(w, "key", etcdKey);
            w.WriteBoolean("prev_kv", true);
            w.WriteEndObject();
        });
        using var answer = await PostAsync("/v3/kv/txn", body, idempotent: false, ct);
        var root = answer.RootElement;
        var revision = EtcdJson.HeaderRevision(root);
        Observe(revision);
        var response = FirstResponse(root);
        if (!EtcdJson.Bool(root, "succeeded"))
        {
            throw Refusal(key, expectedRevision, EtcdJson.Child(response, "response_range"));
        }

        foreach (var kv in EtcdJson.Array(EtcdJson.Child(response, "response_delete_range"), "prev_kvs"))
        {
            var previous = EtcdKeyValue.Parse(kv);
            return new StoreEntry(key, previous.Value, previous.CreateRevision, revision);
        }

        throw new StoreException($"etcd deleted {etcdKey} without returning its previous value");
    }

    public IAsyncEnumerable<StoreEvent> WatchAsync(string prefix, long afterRevision, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        return new EtcdWatch(this, prefix, afterRevision).ReadAsync(ct);
    }

    public async Task CompactAsync(long revision, CancellationToken ct)
    {
        if (revision <= CompactRevision)
        {
            return;
        }

        // physical: answer only once the old revisions are gone, so what follows sees a finished compaction.
        var body = EtcdJson.Body(w =>
        {
            EtcdJson.WriteLong(w, "revision", revision);
            w.WriteBoolean("physical", true);
        });
        try
        {
            using var answer = await PostAsync("/v3/kv/compaction", body, idempotent: true, ct);
            Observe(EtcdJson.HeaderRevision(answer.RootElement));
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
        _gateway.Dispose();
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

    internal async Task<JsonDocument> PostAsync(string path, byte[] body, bool idempotent, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return await _gateway.PostAsync(path, body, idempotent, ct);
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

        var start = afterKey is null ? Encoding.UTF8.GetBytes(etcdPrefix) : [.. Encoding.UTF8.GetBytes(_layout.ToEtcd(afterKey)), 0];
        var body = EtcdJson.Body(w =>
        {
            w.WriteBase64String("key", start);
            w.WriteBase64String("range_end", EtcdJson.PrefixEnd(etcdPrefix));
            EtcdJson.WriteLong(w, "limit", limit);
            EtcdJson.WriteLong(w, "revision", revision);
        });
        using var answer = await RangeAtAsync(body, revision, afterKey is not null, ct);
        var root = answer.RootElement;
        var listRevision = revision == 0 ? EtcdJson.HeaderRevision(root) : revision;
        Observe(EtcdJson.HeaderRevision(root));
        var items = new List<StoreEntry>();
        foreach (var kv in EtcdJson.Array(root, "kvs"))
        {
            var parsed = EtcdKeyValue.Parse(kv);
            items.Add(new StoreEntry(prefix + parsed.Key[etcdPrefix.Length..], parsed.Value, parsed.CreateRevision, parsed.ModRevision));
        }

        if (!EtcdJson.Bool(root, "more") || items.Count == 0)
        {
            return new StoreListResult(items, listRevision, null, 0);
        }

        var remaining = EtcdJson.Long(root, "count") - items.Count;
        return new StoreListResult(items, listRevision, new ContinueToken(listRevision, items[^1].Key).Encode(), remaining);
    }

    private async Task<StoreListResult> ListAcrossResourcesAsync(string prefix, long revision, CancellationToken ct)
    {
        var body = EtcdJson.Body(w =>
        {
            EtcdJson.WriteKey(w, "key", _layout.Root);
            w.WriteBase64String("range_end", EtcdJson.PrefixEnd(_layout.Root));
            EtcdJson.WriteLong(w, "revision", revision);
        });
        using var answer = await RangeAtAsync(body, revision, fromContinue: false, ct);
        var root = answer.RootElement;
        Observe(EtcdJson.HeaderRevision(root));
        var items = new List<StoreEntry>();
        foreach (var kv in EtcdJson.Array(root, "kvs"))
        {
            var parsed = EtcdKeyValue.Parse(kv);
            if (_layout.FromEtcd(parsed.Key) is { } key && key.StartsWith(prefix, StringComparison.Ordinal))
            {
                items.Add(new StoreEntry(key, parsed.Value, parsed.CreateRevision, parsed.ModRevision));
            }
        }

        items.Sort((a, b) => KeyOrder.Instance.Compare(a.Key, b.Key));
        return new StoreListResult(items, revision == 0 ? EtcdJson.HeaderRevision(root) : revision, null, 0);
    }

    private async Task<JsonDocument> RangeAtAsync(byte[] body, long revision, bool fromContinue, CancellationToken ct)
    {
        try
        {
            return await PostAsync("/v3/kv/range", body, idempotent: true, ct);
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
        var body = EtcdJson.Body(w =>
        {
            EtcdJson.WriteKey(w, "key", _layout.Root);
            w.WriteBoolean("count_only", true);
            EtcdJson.WriteLong(w, "revision", revision);
        });
        using var answer = await PostAsync("/v3/kv/range", body, idempotent: true, ct);
        return EtcdJson.HeaderRevision(answer.RootElement);
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

    private static JsonElement FirstResponse(JsonElement root)
    {
        foreach (var response in EtcdJson.Array(root, "responses"))
        {
            return response;
        }

        return default;
    }

    /// <summary>Why a compare failed, from the key as the failure branch read it.</summary>
    private static StoreException Refusal(string key, long expectedRevision, JsonElement range)
    {
        foreach (var kv in EtcdJson.Array(range, "kvs"))
        {
            return new RevisionConflictException(key, expectedRevision, EtcdJson.Long(kv, "mod_revision"));
        }

        return new KeyNotFoundInStoreException(key);
    }

    /// <summary>
    /// If the key exists (version &gt; 0) and, unless <paramref name="anyRevision"/>, its mod_revision is the
    /// expected one, do <paramref name="success"/>; otherwise read the key so the caller can say why not.
    /// </summary>
    private static byte[] ConditionalTxn(string etcdKey, long expectedRevision, bool anyRevision, Action<Utf8JsonWriter> success) =>
        EtcdJson.Body(w =>
        {
            w.WriteStartArray("compare");
            WriteCompareItem(w, etcdKey, "VERSION", "GREATER", "version", 0);
            if (!anyRevision)
            {
                WriteCompareItem(w, etcdKey, "MOD", "EQUAL", "mod_revision", expectedRevision);
            }

            w.WriteEndArray();
            w.WriteStartArray("success");
            w.WriteStartObject();
            success(w);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteStartArray("failure");
            w.WriteStartObject();
            w.WriteStartObject("request_range");
            EtcdJson.WriteKey(w, "key", etcdKey);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
        });

    private static void WriteCompareItem(Utf8JsonWriter w, string etcdKey, string target, string result, string field, long value)
    {
        w.WriteStartObject();
        EtcdJson.WriteKey(w, "key", etcdKey);
        w.WriteString("target", target);
        w.WriteString("result", result);
        EtcdJson.WriteLong(w, field, value);
        w.WriteEndObject();
    }
}
