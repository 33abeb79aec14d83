namespace Axolotl.Storage.Expiry;

/// <summary>
/// When each key expires: a fixed time-to-live from the last write this server saw of it, as an etcd lease
/// granted with every write of an Event (kube-apiserver's --event-ttl). Pure: the caller says what it saw and
/// when. A later write of the key replaces its expiry; an entry keeps the revision it expires at, so a sweep
/// deletes only that version and a write that lands in between wins.
/// </summary>
public sealed class ExpiryTracker
{
    private readonly Dictionary<string, (long Revision, DateTimeOffset Due)> _keys = new(StringComparer.Ordinal);

    // Ordered by due time; entries a later write replaced stay until they come up and are skipped then.
    private readonly PriorityQueue<(string Key, long Revision), DateTimeOffset> _queue = new();

    public ExpiryTracker(TimeSpan ttl)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
        Ttl = ttl;
    }

    public TimeSpan Ttl { get; }

    /// <summary>Keys with an expiry.</summary>
    public int Count => _keys.Count;

    /// <summary>A write of the key at <paramref name="revision"/> was seen at <paramref name="now"/>. Seeing the same
    /// revision again (a relist) keeps the expiry it has.</summary>
    public void Written(string key, long revision, DateTimeOffset now)
    {
        if (_keys.TryGetValue(key, out var known) && known.Revision >= revision)
        {
            return;
        }

        var due = now + Ttl;
        _keys[key] = (revision, due);
        _queue.Enqueue((key, revision), due);
    }

    /// <summary>The key was deleted (by anyone): nothing to expire.</summary>
    public void Deleted(string key) => _keys.Remove(key);

    /// <summary>The keys whose time is up at <paramref name="now"/>, each with the revision to delete; they are forgotten.</summary>
    public IReadOnlyList<(string Key, long Revision)> TakeDue(DateTimeOffset now)
    {
        var due = new List<(string, long)>();
        while (_queue.TryPeek(out var entry, out var at) && at <= now)
        {
            _queue.Dequeue();
            if (_keys.TryGetValue(entry.Key, out var current) && current.Revision == entry.Revision)
            {
                _keys.Remove(entry.Key);
                due.Add(entry);
            }
        }

        return due;
    }
}
