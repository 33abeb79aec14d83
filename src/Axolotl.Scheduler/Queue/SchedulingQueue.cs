namespace Axolotl.Scheduler.Queue;

/// <summary>
/// Pods waiting to be scheduled, by "namespace/name", in three places as upstream's priority queue:
/// <b>active</b> (ready now; higher priority first, then the earlier to become active, as upstream's
/// PrioritySort), <b>backoff</b> (failed recently: 1 s doubling to 10 s per attempt),
/// and <b>unschedulable</b> (failed and nothing has changed since). A cluster change that could help
/// (<see cref="MoveAllToActiveOrBackoff"/>: node added or changed, pod removed) moves every unschedulable
/// pod to active, or to backoff while its backoff lasts; <see cref="FlushUnschedulableLeftover"/> retries
/// pods that waited longer than <see cref="MaxUnschedulableDuration"/> anyway. Thread-safe.
/// </summary>
public sealed class SchedulingQueue : IDisposable
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly SortedSet<Entry> _active = new(ActiveOrder.Instance);
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    // Upstream's unschedulablePods map: a cluster change visits these only. Scanning every entry made each
    // binding event O(queue) under the lock, which at 100,000 pending pods held the scheduler up half the time.
    private readonly HashSet<Entry> _unschedulable = new(ReferenceEqualityComparer.Instance);
    private int _backoffCount;
    private readonly SemaphoreSlim _signal = new(0);
    private long _moveCycle;
    private long _activations;
    private bool _shutdown;

    public SchedulingQueue(TimeProvider time, TimeSpan? initialBackoff = null, TimeSpan? maxBackoff = null, TimeSpan? maxUnschedulableDuration = null)
    {
        _time = time;
        InitialBackoff = initialBackoff ?? TimeSpan.FromSeconds(1);
        MaxBackoff = maxBackoff ?? TimeSpan.FromSeconds(10);
        MaxUnschedulableDuration = maxUnschedulableDuration ?? TimeSpan.FromMinutes(5);
    }

    public TimeSpan InitialBackoff { get; }

    public TimeSpan MaxBackoff { get; }

    public TimeSpan MaxUnschedulableDuration { get; }

    public int ActiveCount
    {
        get
        {
            lock (_lock)
            {
                return _active.Count;
            }
        }
    }

    public int BackoffCount
    {
        get
        {
            lock (_lock)
            {
                return _backoffCount;
            }
        }
    }

    public int UnschedulableCount
    {
        get
        {
            lock (_lock)
            {
                return _unschedulable.Count;
            }
        }
    }

    /// <summary>A new or changed pending pod: schedule it now (an update may have made it fit). <paramref name="priority"/>: its spec.priority; null keeps the one known.</summary>
    public void Add(string key, int? priority = null)
    {
        lock (_lock)
        {
            var entry = GetOrCreate(key);
            if (priority is { } p && p != entry.Priority)
            {
                // The set is ordered by priority: take the entry out before changing it.
                var wasActive = _active.Remove(entry);
                entry.Priority = p;
                if (wasActive)
                {
                    _active.Add(entry);
                }
            }
            if (entry.Place == Place.InFlight)
            {
                entry.ChangedInFlight = true;
                return;
            }
            ToActive(entry);
        }
    }

    /// <summary>The pod is gone, bound by someone else, or no longer ours: forget it entirely.</summary>
    public void Delete(string key)
    {
        lock (_lock)
        {
            if (_entries.Remove(key, out var entry))
            {
                Leave(entry);
            }
        }
    }

    /// <summary>Takes the next active pod, waiting for one; null once shut down. The pod is in flight until Done/Unschedulable/Error.</summary>
    public async Task<string?> PopAsync(CancellationToken ct)
    {
        while (true)
        {
            // A scheduler that lost its lease must stop at once, not drain the queue: every pod it popped would be
            // assumed and never bound (its bindings see the cancelled token), while the new leader waits for it.
            ct.ThrowIfCancellationRequested();
            lock (_lock)
            {
                if (_shutdown)
                {
                    return null;
                }
                if (_active.Min is { } entry)
                {
                    _active.Remove(entry);
                    entry.Place = Place.InFlight;
                    entry.PoppedAtCycle = _moveCycle;
                    entry.ChangedInFlight = false;
                    return entry.Key;
                }
            }
            await _signal.WaitAsync(ct);
        }
    }

    /// <summary>The pod was bound: forget its attempts.</summary>
    public void Done(string key) => Delete(key);

    /// <summary>
    /// No node fits. It waits in unschedulable for a cluster change, unless one already happened while
    /// it was being scheduled (or the pod itself changed): then it only waits out its backoff.
    /// </summary>
    public void AddUnschedulable(string key)
    {
        lock (_lock)
        {
            var entry = GetOrCreate(key);
            entry.Attempts++;
            entry.LastFailure = _time.GetTimestamp();
            if (entry.ChangedInFlight || _moveCycle > entry.PoppedAtCycle)
            {
                ToBackoff(entry);
            }
            else
            {
                Leave(entry);
                entry.Place = Place.Unschedulable;
                _unschedulable.Add(entry);
            }
        }
    }

    /// <summary>Scheduling failed for another reason (the API refused the binding): retry after the backoff.</summary>
    public void AddBackoff(string key)
    {
        lock (_lock)
        {
            var entry = GetOrCreate(key);
            entry.Attempts++;
            entry.LastFailure = _time.GetTimestamp();
            ToBackoff(entry);
        }
    }

    /// <summary>Something changed that may let unschedulable pods fit: retry them all (after their backoff).</summary>
    public void MoveAllToActiveOrBackoff()
    {
        lock (_lock)
        {
            _moveCycle++;
            foreach (var entry in _unschedulable.ToList())
            {
                ToBackoff(entry);
            }
        }
    }

    /// <summary>Something changed that may let some unschedulable pods fit: retry those <paramref name="which"/> picks (after their backoff).</summary>
    public void MoveToActiveOrBackoff(Func<string, bool> which)
    {
        lock (_lock)
        {
            _moveCycle++;
            foreach (var entry in _unschedulable.Where(e => which(e.Key)).ToList())
            {
                ToBackoff(entry);
            }
        }
    }

    /// <summary>Retries pods that have been unschedulable for longer than <see cref="MaxUnschedulableDuration"/>.</summary>
    public void FlushUnschedulableLeftover()
    {
        lock (_lock)
        {
            foreach (var entry in _unschedulable.Where(e => _time.GetElapsedTime(e.LastFailure) >= MaxUnschedulableDuration).ToList())
            {
                ToBackoff(entry);
            }
        }
    }

    /// <summary>How long a pod with <paramref name="attempts"/> failures waits: initial × 2^(attempts-1), at most the maximum.</summary>
    public TimeSpan BackoffFor(int attempts)
    {
        if (attempts <= 0)
        {
            return TimeSpan.Zero;
        }
        var backoff = InitialBackoff;
        for (var i = 1; i < attempts && backoff < MaxBackoff; i++)
        {
            backoff *= 2;
        }
        return backoff > MaxBackoff ? MaxBackoff : backoff;
    }

    public void ShutDown()
    {
        lock (_lock)
        {
            _shutdown = true;
            foreach (var entry in _entries.Values)
            {
                entry.Timer?.Dispose();
                entry.Timer = null;
            }
        }
        _signal.Release();
    }

    public void Dispose()
    {
        ShutDown();
        _signal.Dispose();
    }

    private Entry GetOrCreate(string key)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            entry = new Entry(key);
            _entries[key] = entry;
        }
        return entry;
    }

    private void ToActive(Entry entry)
    {
        if (entry.Place == Place.Active || _shutdown)
        {
            return;
        }
        Leave(entry);
        entry.ActiveSince = ++_activations;
        _active.Add(entry);
        entry.Place = Place.Active;
        _signal.Release();
    }

    private void ToBackoff(Entry entry)
    {
        var remaining = BackoffFor(entry.Attempts) - _time.GetElapsedTime(entry.LastFailure);
        if (remaining <= TimeSpan.Zero || _shutdown)
        {
            ToActive(entry);
            return;
        }
        Leave(entry);
        entry.Place = Place.Backoff;
        _backoffCount++;
        entry.Timer = _time.CreateTimer(_ =>
        {
            lock (_lock)
            {
                if (_entries.TryGetValue(entry.Key, out var current) && ReferenceEquals(current, entry) && entry.Place == Place.Backoff)
                {
                    ToActive(entry);
                }
            }
        }, null, remaining, Timeout.InfiniteTimeSpan);
    }

    private void Leave(Entry entry)
    {
        switch (entry.Place)
        {
            case Place.Active:
                _active.Remove(entry);
                break;
            case Place.Backoff:
                _backoffCount--;
                break;
            case Place.Unschedulable:
                _unschedulable.Remove(entry);
                break;
        }
        entry.Timer?.Dispose();
        entry.Timer = null;
        entry.Place = Place.None;
    }

    private enum Place
    {
        None,
        Active,
        InFlight,
        Backoff,
        Unschedulable,
    }

    private sealed class Entry(string key)
    {
        public string Key { get; } = key;

        public Place Place { get; set; }

        public int Priority { get; set; }

        /// <summary>When it last became active (a counter): equal priorities come out in this order.</summary>
        public long ActiveSince { get; set; }

        public ITimer? Timer { get; set; }

        public int Attempts { get; set; }

        public long LastFailure { get; set; }

        public long PoppedAtCycle { get; set; }

        public bool ChangedInFlight { get; set; }
    }

    /// <summary>Higher priority first, then the earlier to become active; the key keeps distinct entries apart.</summary>
    private sealed class ActiveOrder : IComparer<Entry>
    {
        public static ActiveOrder Instance { get; } = new();

        public int Compare(Entry? x, Entry? y)
        {
            if (ReferenceEquals(x, y))
            {
                return 0;
            }
            var byPriority = y!.Priority.CompareTo(x!.Priority);
            if (byPriority != 0)
            {
                return byPriority;
            }
            var bySince = x.ActiveSince.CompareTo(y.ActiveSince);
            return bySince != 0 ? bySince : string.CompareOrdinal(x.Key, y.Key);
        }
    }
}
