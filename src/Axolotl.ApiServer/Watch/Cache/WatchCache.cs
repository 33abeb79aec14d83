using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.Api.Selectors;
using Axolotl.ApiServer.Registry;
using Axolotl.Storage;
using Microsoft.Extensions.Logging;

namespace Axolotl.ApiServer.Watch.Cache;

/// <summary>
/// kube-apiserver's cacher for one served resource: one store watch, each event decoded, filtered
/// into attributes and serialised once, then kept in a ring that every watcher of the resource reads
/// at its own pace. A watcher that falls behind reads on from the ring rather than being cut off;
/// only one that falls out of the ring's window gets the 410 that makes its client relist.
/// The cache keeps every object's filter attributes (not the object) so that a selector's watcher
/// learns when an object leaves its selection without listing at its start.
/// Pods are indexed by <c>spec.nodeName</c> as upstream's cacher indexes them: a watcher pinned to one node is
/// woken only by its node's events and copies only those, so that a pod event does not wake every node's agent.
/// </summary>
internal sealed class WatchCache
{
    private const int MaxBatch = 256;

    /// <summary>How many ring slots an indexed reader looks at per hold of the lock.</summary>
    private const int MaxScan = 4096;
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Lock _gate = new();
    private readonly ResourceType _type;
    private readonly string _resource;
    private readonly IStore _store;
    private readonly string _prefix;
    private readonly EventRing _ring;
    private readonly TimeProvider _clock;
    private readonly ILogger _log;
    private readonly WatchCacheViews _views;
    private readonly FieldNames _fieldNames;
    private readonly CancellationToken _stopping;
    private Dictionary<string, ObjectAttributes> _current = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = NewSignal();
    private readonly IndexedSignals _indexed = new();
    private readonly string? _indexedField;
    private readonly int _indexedAt;
    private readonly IndexedKeys _keysByIndexed = new();
    private readonly int _sweepEvery;
    private readonly long _sweepBytes;
    private int _appendedSinceSweep;
    private long _bytesSinceSweep;
    private long _revision;
    private int _generation;
    private bool _stopped;

    private WatchCache(ResourceType type, IStore store, WatchCacheOptions options, WatchCacheViews views, TimeProvider clock, ILogger log, CancellationToken stopping)
    {
        _views = views;
        _fieldNames = FieldNames.Of(type, views);
        _type = type;
        _resource = type.QualifiedResource;
        _store = store;
        _prefix = ObjectStore.Prefix(type, null);
        _ring = new EventRing(options.Capacity, options.MaxBytes, options.FreshFor, options.Minimum, clock);
        _clock = clock;
        _log = log;
        _stopping = stopping;
        if (type.QualifiedResource == "pods" && _fieldNames.IndexOf("spec.nodeName") is var at and >= 0)
        {
            _indexedField = "spec.nodeName";
            _indexedAt = at;
        }
        // An indexed reader moves through the ring only when woken, so every one is woken well before the ring
        // could let go of the events it has not looked at: each quarter of the ring's count or bytes, at most 1,024
        // appends apart, and on the trim tick (see Sweep).
        _sweepEvery = Math.Clamp(options.Capacity / 4, 1, 1024);
        _sweepBytes = Math.Max(1, options.MaxBytes / 4);
    }

    /// <summary>The field the cache keeps its keys by (a pod's <c>spec.nodeName</c>), or null.</summary>
    public string? IndexedField => _indexedField;

    /// <summary>True once the cache follows the store no more (the server is stopping, or the store closed).</summary>
    public bool Stopped
    {
        get
        {
            lock (_gate)
            {
                return _stopped;
            }
        }
    }

    /// <summary>
    /// The revision the cache has seen every event up to: its last event's, its list's, or the store's last
    /// progress notification's, whichever is newest (so that it moves on while the resource is quiet).
    /// </summary>
    public long Revision
    {
        get
        {
            lock (_gate)
            {
                return _revision;
            }
        }
    }

    /// <summary>Lists the resource once, then follows the store from that list's revision until <paramref name="stopping"/>.</summary>
    public static async Task<WatchCache> StartAsync(ResourceType type, IStore store, WatchCacheOptions options, WatchCacheViews views, TimeProvider clock, ILogger log,
        CancellationToken stopping)
    {
        var cache = new WatchCache(type, store, options, views, clock, log, stopping);
        await cache.LoadAsync(stopping, fromHistory: options.Capacity);
        _ = cache.FollowAsync();
        _ = cache.TrimAsync();
        return cache;
    }

    /// <summary>
    /// A reader positioned after <paramref name="afterRevision"/>, or null when the ring may no longer hold what follows it.
    /// A reader whose <paramref name="fields"/> pin the indexed field to one value reads only that value's events.
    /// </summary>
    public WatchCursor? Open(long afterRevision, FieldSelector fields)
    {
        string? indexValue = null;
        if (_indexedField is not null && fields.TryGetExactMatch(_indexedField, out var value))
        {
            indexValue = value;
        }
        // As upstream's cacher: the ring's window decides, not the store's compaction. A quiet resource's ring keeps
        // every event since the cache's list, so its watchers resume from old revisions after each compaction; on
        // etcd, which sends the caches no progress, their bookmarks carry the list's revision, and the 410 that
        // compaction gave them made every node relist every quiet informer (3,894 relists in a 100,000-pod run).
        lock (_gate)
        {
            return !_stopped && _ring.TryFind(afterRevision, out var index) ? new WatchCursor(_generation, index, indexValue) : null;
        }
    }

    /// <summary>Waits for the events after the cursor and copies them into <paramref name="into"/> (at most one batch).</summary>
    public async Task<CacheRead> ReadAsync(WatchCursor cursor, List<CachedEvent> into, CancellationToken ct)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_stopped)
                {
                    return CacheRead.Closed;
                }
                if (cursor.Generation != _generation)
                {
                    return CacheRead.Relisted;
                }
                long next;
                bool kept;
                if (cursor.IndexValue is { } value)
                {
                    kept = _ring.TryScan(cursor.Index, _indexedAt, value, into, MaxBatch, MaxScan, out next);
                }
                else
                {
                    kept = _ring.TryRead(cursor.Index, into, MaxBatch);
                    next = cursor.Index + into.Count;
                }
                if (!kept)
                {
                    WatchCacheMetrics.WatcherTerminated(_resource);
                    return CacheRead.FellBehind;
                }
                cursor.Index = next;
                if (into.Count > 0)
                {
                    WatchCacheMetrics.EventsDispatched(_resource, into.Count);
                    return CacheRead.Events;
                }
                if (next < _ring.Next)
                {
                    // An indexed reader looked at a bounded stretch of other values' events: let the lock go, then on.
                    continue;
                }
                // The reader has taken every event the cache holds, and handled those it took before this
                // call: it has seen everything up to the cache's revision, which its bookmarks may carry.
                cursor.CaughtUpTo = _revision;
                changed = cursor.IndexValue is { } waitFor ? _indexed.WaitFor(waitFor) : _changed.Task;
            }
            await changed.WaitAsync(ct);
        }
    }

    /// <summary>
    /// The keys under <paramref name="prefix"/> of the objects whose indexed field (a pod's <c>spec.nodeName</c>) is
    /// <paramref name="value"/>, as of <see cref="Revision"/>; null when this cache indexes no field or has stopped.
    /// </summary>
    public List<string>? KeysWith(string field, string value, string prefix)
    {
        lock (_gate)
        {
            return _stopped || _indexedField != field ? null : _keysByIndexed.Under(value, prefix);
        }
    }

    /// <summary>
    /// As <see cref="KeysWith"/>, with the revision the keys are as of (taken under the same lock: the index and the
    /// revision move together); null when this cache indexes another field or none, or has stopped.
    /// </summary>
    public (List<string> Keys, long Revision)? KeysWithAt(string field, string value, string prefix)
    {
        lock (_gate)
        {
            return _stopped || _indexedField != field ? null : (_keysByIndexed.Under(value, prefix), _revision);
        }
    }

    /// <summary>Waits until the cache has seen every event up to <paramref name="revision"/>; false after <paramref name="timeout"/> or once it has stopped.</summary>
    public async Task<bool> WaitForRevisionAsync(long revision, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = _clock.GetTimestamp() + (long)(timeout.TotalSeconds * _clock.TimestampFrequency);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_revision >= revision)
                {
                    return true;
                }
                if (_stopped)
                {
                    return false;
                }
                changed = _changed.Task;
            }
            var left = _clock.GetElapsedTime(_clock.GetTimestamp(), deadline);
            if (left <= TimeSpan.Zero)
            {
                return false;
            }
            try
            {
                await changed.WaitAsync(left, _clock, ct);
            }
            catch (TimeoutException)
            {
                return false;
            }
        }
    }

    /// <summary>The oldest revision a watch may start after, or a cursor that fell behind could have resumed after (for a 410's message).</summary>
    public long CoveredAfter
    {
        get
        {
            lock (_gate)
            {
                return _ring.CoveredAfter;
            }
        }
    }

    /// <param name="fromHistory">
    /// On the first load, how many of the store's latest revisions to replay: list as the store was that many revisions
    /// ago (or at its compaction, if later) and replay the history since into the ring, so that watchers resuming from
    /// a revision in that span are served from the cache. After a server restart that is every node agent's pod
    /// watch; listing at the current revision sent each of them to the store's own watch, which selects by decoding
    /// every pod (at 1,000 nodes the restarted server stayed saturated). 0 lists at the current revision.
    /// </param>
    private async Task LoadAsync(CancellationToken ct, long fromHistory = 0)
    {
        var list = await HistoryStartAsync(fromHistory, ct) ?? await _store.ListAsync(_prefix, 0, null, ct);
        var current = new Dictionary<string, ObjectAttributes>(list.Items.Count, StringComparer.Ordinal);
        foreach (var entry in list.Items)
        {
            current[entry.Key] = ObjectAttributes.Of(_fieldNames, ObjectStore.Decode(entry).Object, _views);
        }
        lock (_gate)
        {
            _current = current;
            _keysByIndexed.Clear();
            if (_indexedField is not null)
            {
                foreach (var (key, attributes) in current)
                {
                    _keysByIndexed.Move(key, null, attributes.ValueAt(_indexedAt));
                }
            }
            _revision = list.Revision;
            _ring.Reset(list.Revision);
            _generation++;
            Signal();
        }
        WatchCacheMetrics.Initialized(_resource);
    }

    private async Task<StoreListResult?> HistoryStartAsync(long fromHistory, CancellationToken ct)
    {
        // The newest fromHistory revisions the store still holds (a store never compacted holds them from its first write).
        var from = Math.Max(Math.Max(_store.CompactRevision, 1), _store.CurrentRevision - fromHistory);
        if (fromHistory <= 0 || _store.CurrentRevision <= from)
        {
            return null;
        }
        try
        {
            return await _store.ListAtRevisionAsync(_prefix, from, 0, ct);
        }
        catch (CompactedException)
        {
            // Compacted again meanwhile: begin at the current revision, as without history.
            return null;
        }
    }

    private async Task FollowAsync()
    {
        try
        {
            var relist = false;
            while (!_stopping.IsCancellationRequested)
            {
                try
                {
                    if (relist)
                    {
                        await LoadAsync(_stopping);
                        relist = false;
                    }
                    await foreach (var change in _store.WatchWithProgressAsync(_prefix, Revision, _stopping))
                    {
                        if (change.Type == StoreEventType.Progress)
                        {
                            TakeProgress(change.Entry.ModRevision);
                        }
                        else
                        {
                            TakeIn(change);
                        }
                    }
                    return;
                }
                catch (CompactedException e) when (_store.CompactRevision <= e.RequestedRevision && !relist)
                {
                    // The store's queue for this cache overflowed in a burst; its history still holds every
                    // event after ours, so the cache reads on from there and no watcher notices.
                    if (_log.IsEnabled(LogLevel.Debug))
                    {
                        _log.LogDebug("watch cache of {Resource} fell behind the store; resuming after revision {Revision}", _resource, e.RequestedRevision);
                    }
                }
                catch (CompactedException e)
                {
                    // History the cache had not read is gone: begin again from a list; watchers of the old
                    // generation get 410 and relist, as they must.
                    _log.LogWarning("watch cache of {Resource} lost its place ({Message}); relisting", _resource, e.Message);
                    relist = true;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _log.LogWarning("watch cache of {Resource}: the store's watch ended ({Message}); retrying in 1 s", _resource, e.Message);
                    await Task.Delay(TimeSpan.FromSeconds(1), _clock, _stopping);
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        finally
        {
            lock (_gate)
            {
                _stopped = true;
                Signal();
            }
        }
    }

    /// <summary>Lets a burst's history go once it is stale, although no new event comes to push it out.</summary>
    private async Task TrimAsync()
    {
        try
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(15), _clock);
            while (await timer.WaitForNextTickAsync(_stopping))
            {
                lock (_gate)
                {
                    // Indexed readers of quiet values move past what the next tick's trim lets go.
                    Sweep();
                    _ring.Trim();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void TakeIn(StoreEvent change)
    {
        var stored = ObjectStore.Decode(change.Entry).Object;
        var key = change.Entry.Key;
        ObjectAttributes? previous;
        lock (_gate)
        {
            _current.TryGetValue(key, out previous);
        }
        // Only this loop changes _current, so previous is still the object's latest below.
        var attributes = ObjectAttributes.Of(_fieldNames, stored, _views, previous);
        var json = Serialise(_views.ToView(_type, stored));
        lock (_gate)
        {
            CachedEvent e;
            if (_indexedField is not null)
            {
                _keysByIndexed.Move(key, previous?.ValueAt(_indexedAt), change.Type == StoreEventType.Deleted ? null : attributes.ValueAt(_indexedAt));
            }
            if (change.Type == StoreEventType.Deleted)
            {
                _current.Remove(key);
                e = new CachedEvent(change.Type, key, change.Entry.ModRevision, json, null, previous ?? attributes);
            }
            else
            {
                _current[key] = attributes;
                e = new CachedEvent(change.Type, key, change.Entry.ModRevision, json, attributes,
                    change.Type == StoreEventType.Added ? null : previous ?? attributes);
            }
            _ring.Append(e);
            _revision = e.Revision;
            SignalAppended(e);
        }
        WatchCacheMetrics.EventReceived(_resource);
    }

    /// <summary>The store vouched that no event of this resource is pending up to <paramref name="revision"/>.</summary>
    private void TakeProgress(long revision)
    {
        lock (_gate)
        {
            if (revision > _revision)
            {
                _revision = revision;
                Signal();
            }
        }
    }

    private static byte[] Serialise(JsonObject view)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            view.WriteTo(writer);
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Wakes every reader waiting for an event, indexed or not (called under the lock).</summary>
    private void Signal()
    {
        WakeUnindexed();
        Sweep();
    }

    /// <summary>
    /// Wakes the readers an appended event concerns: the unindexed ones, and the indexed ones of the value the
    /// object had before and after the change; every indexed reader now and then, so none is left where the ring
    /// trims (called under the lock).
    /// </summary>
    private void SignalAppended(CachedEvent e)
    {
        WakeUnindexed();
        if (_indexedField is null)
        {
            return;
        }
        _indexed.Signal(e.Current?.ValueAt(_indexedAt));
        _indexed.Signal(e.Previous?.ValueAt(_indexedAt));
        _appendedSinceSweep++;
        _bytesSinceSweep += e.Json.Length;
        if (_appendedSinceSweep >= _sweepEvery || _bytesSinceSweep >= _sweepBytes)
        {
            Sweep();
        }
    }

    private void WakeUnindexed()
    {
        var changed = _changed;
        _changed = NewSignal();
        changed.TrySetResult();
    }

    /// <summary>Wakes every indexed reader, which then looks through the ring to its end for its value's events.</summary>
    private void Sweep()
    {
        _appendedSinceSweep = 0;
        _bytesSinceSweep = 0;
        _indexed.SignalAll();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>One watcher's place in a <see cref="WatchCache"/>: the ring index of the next event it reads.</summary>
internal sealed class WatchCursor(int generation, long index, string? indexValue = null)
{
    public int Generation { get; } = generation;

    /// <summary>The indexed field's value this reader is pinned to (a pod watch's node), or null for a reader of every event.</summary>
    public string? IndexValue { get; } = indexValue;

    public long Index { get; set; } = index;

    private long _caughtUpTo;

    /// <summary>
    /// The cache's revision when this reader last found nothing new to read: every event up to it has been
    /// handled (0 until then). Read by the watch's bookmark timer while the reader waits.
    /// </summary>
    public long CaughtUpTo
    {
        get => Volatile.Read(ref _caughtUpTo);
        set => Volatile.Write(ref _caughtUpTo, value);
    }
}

internal enum CacheRead
{
    Events,

    /// <summary>The ring let go of events this watcher had not read.</summary>
    FellBehind,

    /// <summary>The cache began again from a list (its history was compacted away).</summary>
    Relisted,

    /// <summary>The server is stopping.</summary>
    Closed,
}
