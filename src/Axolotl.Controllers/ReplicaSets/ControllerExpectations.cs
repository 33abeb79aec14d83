namespace Axolotl.Controllers.ReplicaSets;

/// <summary>
/// What a controller has asked the API for and not yet seen come back through its informer
/// (upstream's ControllerExpectations with UID-tracked deletions). While creations or deletions are
/// outstanding, the cache is known to be stale, and acting on it would create or delete twice; so a
/// reconcile only manages replicas once <see cref="Satisfied"/> says the watch has caught up, or once
/// the expectations are older than the timeout (a lost event must not block a controller forever).
/// Pure bookkeeping, clock injected; safe to call from informer threads and workers at once.
/// </summary>
public sealed class ControllerExpectations(TimeProvider time, TimeSpan? timeout = null)
{
    /// <summary>
    /// Upstream's ExpectationsTimeout. Long on purpose: a controller that gives up early creates
    /// duplicates when the API is merely slow, and a missed watch event is rare (a relist replays it).
    /// </summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    private readonly TimeSpan _timeout = timeout ?? DefaultTimeout;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>
    /// True when the controller may trust its cache for <paramref name="key"/>: no expectations were
    /// ever set, every expected add and delete was observed, or they have expired.
    /// </summary>
    public bool Satisfied(string key)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(key, out var entry))
            {
                return true;
            }
            return entry.Fulfilled || time.GetElapsedTime(entry.SetAt) > _timeout;
        }
    }

    /// <summary>Replaces the expectations of <paramref name="key"/> with <paramref name="count"/> creations.</summary>
    public void ExpectCreations(string key, int count)
    {
        lock (_lock)
        {
            _entries[key] = new Entry(time.GetTimestamp()) { Adds = count };
        }
    }

    /// <summary>Replaces the expectations of <paramref name="key"/> with the deletion of these pods ("namespace/name").</summary>
    public void ExpectDeletions(string key, IEnumerable<string> podKeys)
    {
        var keys = new HashSet<string>(podKeys, StringComparer.Ordinal);
        lock (_lock)
        {
            _entries[key] = new Entry(time.GetTimestamp()) { Deletes = keys.Count, DeleteKeys = keys };
        }
    }

    /// <summary>A pod the controller created has appeared (or a create failed and will never appear).</summary>
    public void CreationObserved(string key)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var entry))
            {
                entry.Adds--;
            }
        }
    }

    /// <summary>
    /// A pod has gone or started terminating. Only pods this controller asked to delete lower the count,
    /// so that an unrelated deletion cannot satisfy an expectation early.
    /// </summary>
    public void DeletionObserved(string key, string podKey)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var entry) && entry.DeleteKeys.Remove(podKey))
            {
                entry.Deletes--;
            }
        }
    }

    /// <summary>Forgets <paramref name="key"/> (its owner was deleted).</summary>
    public void Delete(string key)
    {
        lock (_lock)
        {
            _entries.Remove(key);
        }
    }

    /// <summary>Outstanding (creations, deletions) for diagnostics and tests; null when none are recorded.</summary>
    public (int Adds, int Deletes)? Pending(string key)
    {
        lock (_lock)
        {
            return _entries.TryGetValue(key, out var entry) ? (entry.Adds, entry.Deletes) : null;
        }
    }

    private sealed class Entry(long setAt)
    {
        public long SetAt { get; } = setAt;

        public int Adds { get; set; }

        public int Deletes { get; set; }

        public HashSet<string> DeleteKeys { get; init; } = new(StringComparer.Ordinal);

        public bool Fulfilled => Adds <= 0 && Deletes <= 0;
    }
}
