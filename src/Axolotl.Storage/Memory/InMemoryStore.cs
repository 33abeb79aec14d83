using System.Runtime.CompilerServices;
using Axolotl.Storage.Watch;

namespace Axolotl.Storage.Memory;

/// <summary>
/// The whole <see cref="IStore"/> contract in memory, for tests and throwaway servers. It keeps every
/// version and event until <see cref="CompactAsync"/> (or a <see cref="Compaction.StoreCompactor"/>)
/// forgets them, so watches and continue tokens behave as they do on the SQLite store.
/// </summary>
public sealed class InMemoryStore : IStore
{
    /// <summary>Per-watcher queue length when none is given (events, not batches).</summary>
    public const int DefaultWatchChannelCapacity = 1000;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, KeyHistory> _histories = new(StringComparer.Ordinal);
    private readonly List<string> _keys = [];
    private readonly List<StoreEvent> _events = [];
    private readonly WatchBroadcaster _broadcaster = new();
    private readonly int _watchChannelCapacity;
    private long _currentRevision;
    private long _compactRevision;

    public InMemoryStore(int watchChannelCapacity = DefaultWatchChannelCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(watchChannelCapacity, 1);
        _watchChannelCapacity = watchChannelCapacity;
    }

    public long CurrentRevision => Interlocked.Read(ref _currentRevision);

    public long CompactRevision => Interlocked.Read(ref _compactRevision);

    public Task<StoreEntry?> GetAsync(string key, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_histories.TryGetValue(key, out var history) && !history.IsEmpty && !history.Latest.Deleted)
            {
                return Task.FromResult<StoreEntry?>(ToEntry(key, history.Latest));
            }

            return Task.FromResult<StoreEntry?>(null);
        }
    }

    public Task<StoreListResult> ListAsync(string prefix, int limit, string? continueToken, CancellationToken ct) =>
        ListCore(prefix, limit, string.IsNullOrEmpty(continueToken) ? null : ContinueToken.Decode(continueToken, prefix), null, ct);

    public Task<StoreListResult> ListAtRevisionAsync(string prefix, long revision, int limit, CancellationToken ct) =>
        ListCore(prefix, limit, null, revision, ct);

    private Task<StoreListResult> ListCore(string prefix, int limit, ContinueToken? token, long? atRevision, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        ct.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var revision = _currentRevision;
            var start = FindIndex(prefix);
            if (atRevision is { } wanted)
            {
                ArgumentOutOfRangeException.ThrowIfGreaterThan(wanted, revision, nameof(atRevision));
                if (wanted < _compactRevision)
                {
                    throw new CompactedException(wanted, _compactRevision);
                }

                revision = wanted;
            }

            if (token is { } t)
            {
                if (t.Revision < _compactRevision)
                {
                    throw new CompactedException(t.Revision, _compactRevision);
                }

                if (t.Revision > revision)
                {
                    throw new InvalidContinueTokenException("continue token is from a newer revision than this store has");
                }

                revision = t.Revision;
                start = FindIndex(t.LastKey);
                if (start < _keys.Count && _keys[start] == t.LastKey)
                {
                    start++;
                }
            }

            var items = new List<StoreEntry>();
            var remaining = 0L;
            for (var i = start; i < _keys.Count && _keys[i].StartsWith(prefix, StringComparison.Ordinal); i++)
            {
                if (_histories[_keys[i]].At(revision) is not { Deleted: false } version)
                {
                    continue;
                }

                if (limit == 0 || items.Count < limit)
                {
                    items.Add(ToEntry(_keys[i], version));
                }
                else
                {
                    remaining++;
                }
            }

            var next = remaining > 0 ? new ContinueToken(revision, items[^1].Key).Encode() : null;
            return Task.FromResult(new StoreListResult(items, revision, next, remaining));
        }
    }

    public Task<StoreEntry> CreateAsync(string key, ReadOnlyMemory<byte> value, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ct.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_histories.TryGetValue(key, out var history))
            {
                history = new KeyHistory();
                _histories.Add(key, history);
                _keys.Insert(~_keys.BinarySearch(key, KeyOrder.Instance), key);
            }
            else if (!history.IsEmpty && !history.Latest.Deleted)
            {
                throw new KeyExistsException(key);
            }

            var revision = _currentRevision + 1;
            return Task.FromResult(Commit(StoreEventType.Added, key, history, new KeyVersion(revision, revision, value.ToArray(), false)));
        }
    }

    public Task<StoreEntry> UpdateAsync(string key, ReadOnlyMemory<byte> value, long expectedRevision, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var (history, current) = Existing(key, expectedRevision, allowAny: false);
            var version = new KeyVersion(_currentRevision + 1, current.CreateRevision, value.ToArray(), false);
            return Task.FromResult(Commit(StoreEventType.Modified, key, history, version));
        }
    }

    public Task<StoreEntry> DeleteAsync(string key, long expectedRevision, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var (history, current) = Existing(key, expectedRevision, allowAny: true);
            var version = new KeyVersion(_currentRevision + 1, current.CreateRevision, current.Value, true);
            return Task.FromResult(Commit(StoreEventType.Deleted, key, history, version));
        }
    }

    public IAsyncEnumerable<StoreEvent> WatchAsync(string prefix, long afterRevision, CancellationToken ct) =>
        WatchCoreAsync(prefix, afterRevision, progress: false, ct);

    public IAsyncEnumerable<StoreEvent> WatchWithProgressAsync(string prefix, long afterRevision, CancellationToken ct) =>
        WatchCoreAsync(prefix, afterRevision, progress: true, ct);

    public Task RequestProgressAsync(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        lock (_gate)
        {
            _broadcaster.PublishProgress(_currentRevision);
        }
        return Task.CompletedTask;
    }

    public Task<bool> UnchangedBetweenAsync(string prefix, long afterRevision, long atRevision, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (afterRevision < _compactRevision || atRevision > _currentRevision)
            {
                return Task.FromResult(false);
            }

            for (var i = FirstEventAfter(afterRevision); i < _events.Count && _events[i].Entry.ModRevision <= atRevision; i++)
            {
                if (_events[i].Entry.Key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return Task.FromResult(false);
                }
            }

            return Task.FromResult(true);
        }
    }

    public Task CompactAsync(long revision, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (revision > _currentRevision)
            {
                throw new ArgumentOutOfRangeException(nameof(revision), revision, $"cannot compact beyond the current revision {_currentRevision}");
            }

            if (revision <= _compactRevision)
            {
                return Task.CompletedTask;
            }

            Interlocked.Exchange(ref _compactRevision, revision);
            _events.RemoveRange(0, FirstEventAfter(revision));
            var emptied = new List<string>();
            foreach (var (key, history) in _histories)
            {
                history.Compact(revision);
                if (history.IsEmpty)
                {
                    emptied.Add(key);
                }
            }

            foreach (var key in emptied)
            {
                _histories.Remove(key);
                _keys.RemoveAt(_keys.BinarySearch(key, KeyOrder.Instance));
            }
        }

        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        _broadcaster.CloseAll();
        return ValueTask.CompletedTask;
    }

    private (KeyHistory History, KeyVersion Current) Existing(string key, long expectedRevision, bool allowAny)
    {
        if (!_histories.TryGetValue(key, out var history) || history.IsEmpty || history.Latest.Deleted)
        {
            throw new KeyNotFoundInStoreException(key);
        }

        var current = history.Latest;
        if ((!allowAny || expectedRevision != 0) && current.Revision != expectedRevision)
        {
            throw new RevisionConflictException(key, expectedRevision, current.Revision);
        }

        return (history, current);
    }

    private StoreEntry Commit(StoreEventType type, string key, KeyHistory history, KeyVersion version)
    {
        history.Append(version);
        Interlocked.Exchange(ref _currentRevision, version.Revision);
        var entry = ToEntry(key, version);
        var e = new StoreEvent(type, entry);
        _events.Add(e);
        _broadcaster.Publish(e);
        return entry;
    }

    private int FindIndex(string key)
    {
        var index = _keys.BinarySearch(key, KeyOrder.Instance);
        return index >= 0 ? index : ~index;
    }

    private int FirstEventAfter(long revision)
    {
        int lo = 0, hi = _events.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (_events[mid].Entry.ModRevision <= revision)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private static StoreEntry ToEntry(string key, KeyVersion version) =>
        new(key, version.Value, version.CreateRevision, version.Revision);

    private async IAsyncEnumerable<StoreEvent> WatchCoreAsync(string prefix, long afterRevision, bool progress, [EnumeratorCancellation] CancellationToken ct)
    {
        List<StoreEvent> history = [];
        WatchSubscription subscription;

        // Subscribing and copying the history under the write lock makes the hand-over exact.
        lock (_gate)
        {
            if (afterRevision < _compactRevision)
            {
                throw new CompactedException(afterRevision, _compactRevision);
            }

            for (var i = FirstEventAfter(afterRevision); i < _events.Count; i++)
            {
                if (_events[i].Entry.Key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    history.Add(_events[i]);
                }
            }

            subscription = _broadcaster.Subscribe(prefix, _watchChannelCapacity, progress);
        }

        await foreach (var e in WatchStream.ReplayThenLiveAsync(_broadcaster, subscription, afterRevision, history.ToAsyncEnumerable(), ct))
        {
            yield return e;
        }
    }
}
