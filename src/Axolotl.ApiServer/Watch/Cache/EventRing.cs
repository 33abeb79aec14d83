namespace Axolotl.ApiServer.Watch.Cache;

/// <summary>
/// The recent events of one resource, oldest first, for watchers to read at their own pace. It holds
/// at most <c>capacity</c> events and <c>maxBytes</c> of serialised objects, and lets an event older
/// than <c>freshFor</c> go once more than <c>minimum</c> are kept (upstream's cacher sizes its window
/// the same way: 75 s of history, at least 100 events). Not thread-safe: <see cref="WatchCache"/> holds
/// its lock around every call.
/// </summary>
internal sealed class EventRing(int capacity, long maxBytes, TimeSpan freshFor, int minimum, TimeProvider clock)
{
    // A circular buffer that grows by doubling up to capacity: indexes are absolute, so a watcher's
    // position stays valid while older events go, and reading at a position costs no scan.
    private CachedEvent[] _events = new CachedEvent[16];
    private long[] _added = new long[16];
    private int _head;
    private int _count;
    private long _bytes;

    /// <summary>The absolute index of the oldest event kept; indexes grow by one per event ever appended.</summary>
    public long First { get; private set; }

    /// <summary>The absolute index the next appended event gets.</summary>
    public long Next => First + _count;

    /// <summary>Every event with a revision above this one is kept (the revision of the newest event let go, or where the ring began).</summary>
    public long CoveredAfter { get; private set; }

    public int Count => _count;

    public long Bytes => _bytes;

    /// <summary>Starts over with nothing kept, covering every revision above <paramref name="revision"/>.</summary>
    public void Reset(long revision)
    {
        First = Next;
        Array.Clear(_events);
        _head = 0;
        _count = 0;
        _bytes = 0;
        CoveredAfter = revision;
    }

    public void Append(CachedEvent e)
    {
        if (_count == _events.Length)
        {
            Grow();
        }
        var slot = (_head + _count) % _events.Length;
        _events[slot] = e;
        _added[slot] = clock.GetTimestamp();
        _count++;
        _bytes += e.Json.Length;
        Trim();
    }

    /// <summary>Lets go of the events over the ring's bounds, stale ones included (also called while no event comes, so a burst's history does not stay for good).</summary>
    public void Trim()
    {
        var now = clock.GetTimestamp();
        while (_count > 1 && (_count > capacity || _bytes > maxBytes
            || (_count > minimum && clock.GetElapsedTime(_added[_head], now) > freshFor)))
        {
            DropOldest();
        }
    }

    /// <summary>The index of the first event with a revision above <paramref name="afterRevision"/>; false when that event may be gone.</summary>
    public bool TryFind(long afterRevision, out long index)
    {
        index = Next;
        if (afterRevision < CoveredAfter)
        {
            return false;
        }
        // Revisions grow along the ring: binary search for the first one above afterRevision.
        int low = 0, high = _count;
        while (low < high)
        {
            var mid = (low + high) / 2;
            if (At(mid).Revision > afterRevision)
            {
                high = mid;
            }
            else
            {
                low = mid + 1;
            }
        }
        index = First + low;
        return true;
    }

    /// <summary>Copies up to <paramref name="max"/> events from <paramref name="index"/> on; false when the oldest of them is gone.</summary>
    public bool TryRead(long index, List<CachedEvent> into, int max)
    {
        if (index < First)
        {
            return false;
        }
        for (var i = index - First; i < _count && into.Count < max; i++)
        {
            into.Add(At((int)i));
        }
        return true;
    }

    /// <summary>
    /// Looks at up to <paramref name="maxScan"/> events from <paramref name="index"/> on and copies those that
    /// touch <paramref name="value"/> of the attribute at <paramref name="field"/> (before or after the change),
    /// up to <paramref name="max"/>; <paramref name="next"/> is the index after the last event looked at. False when
    /// the oldest of them is gone. The bound keeps a reader far behind from holding the cache's lock for long.
    /// </summary>
    public bool TryScan(long index, int field, string value, List<CachedEvent> into, int max, int maxScan, out long next)
    {
        next = index;
        if (index < First)
        {
            return false;
        }
        var end = Math.Min(_count, index - First + maxScan);
        var i = index - First;
        for (; i < end && into.Count < max; i++)
        {
            var e = At((int)i);
            if (e.Touches(field, value))
            {
                into.Add(e);
            }
        }
        next = First + i;
        return true;
    }

    private CachedEvent At(int offset) => _events[(_head + offset) % _events.Length];

    private void DropOldest()
    {
        var old = _events[_head];
        _events[_head] = null!;
        _head = (_head + 1) % _events.Length;
        _count--;
        _bytes -= old.Json.Length;
        CoveredAfter = old.Revision;
        First++;
    }

    private void Grow()
    {
        var size = (int)Math.Min((long)_events.Length * 2, Math.Max(capacity + 1L, 16));
        var events = new CachedEvent[size];
        var added = new long[size];
        for (var i = 0; i < _count; i++)
        {
            events[i] = _events[(_head + i) % _events.Length];
            added[i] = _added[(_head + i) % _events.Length];
        }
        _events = events;
        _added = added;
        _head = 0;
    }
}
