namespace Axolotl.Proxy.Dns;

/// <summary>
/// Forwarded answers kept for their TTL, as CoreDNS's cache plugin: positive answers for their lowest
/// TTL up to <see cref="MaxPositiveTtl"/>, NXDOMAIN and NODATA for the SOA's negative TTL up to
/// <see cref="MaxNegativeTtl"/>, nothing without a TTL (SERVFAIL, truncated, no SOA). Bounded by
/// entries and by bytes: when either is full, expired entries go first, then the ones closest to
/// expiry, so a flood of unique names evicts itself rather than growing memory.
/// </summary>
public sealed class DnsCache(TimeProvider time, int maxEntries = 10_000, long maxBytes = 16 * 1024 * 1024)
{
    public static readonly TimeSpan MaxPositiveTtl = TimeSpan.FromHours(1);
    public static readonly TimeSpan MaxNegativeTtl = TimeSpan.FromMinutes(30);

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private long _bytes;

    private sealed record Entry(byte[] Response, DateTimeOffset Stored, DateTimeOffset Expires);

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>The key of a question: lower-case name, type, class, and whether the client spoke EDNS (the answer's form differs).</summary>
    public static string Key(DnsQuery query, bool edns) => $"{query.Name}/{query.Type}/{query.Class}/{(edns ? 1 : 0)}";

    /// <summary>The cached answer for <paramref name="query"/>, made current for it, or null.</summary>
    public byte[]? Get(string key, DnsQuery query)
    {
        Entry? entry;
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (!_entries.TryGetValue(key, out entry))
            {
                return null;
            }
            if (entry.Expires <= now)
            {
                Remove(key, entry);
                return null;
            }
        }
        return DnsWire.Refresh(entry.Response, query.Id, query.QuestionBytes.Span, (uint)(now - entry.Stored).TotalSeconds);
    }

    /// <summary>Keeps <paramref name="response"/> for as long as its records allow; returns whether it was kept.</summary>
    public bool Put(string key, byte[] response)
    {
        if (DnsWire.CacheLifetime(response, MaxPositiveTtl, MaxNegativeTtl) is not { } lifetime || response.Length > maxBytes / 16)
        {
            return false;
        }
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var old))
            {
                Remove(key, old);
            }
            if (_entries.Count >= maxEntries || _bytes + response.Length > maxBytes)
            {
                MakeRoom(now, response.Length);
            }
            _entries[key] = new Entry(response, now, now + lifetime);
            _bytes += response.Length;
        }
        return true;
    }

    private void MakeRoom(DateTimeOffset now, int needed)
    {
        foreach (var (key, entry) in _entries.Where(e => e.Value.Expires <= now).ToList())
        {
            Remove(key, entry);
        }
        // Still full: at least a tenth of the entries, those expiring soonest, so the sort is paid once per many inserts.
        if (_entries.Count >= maxEntries || _bytes + needed > maxBytes)
        {
            var target = _entries.Count - Math.Max(1, _entries.Count / 10);
            foreach (var (key, entry) in _entries.OrderBy(e => e.Value.Expires).ToList())
            {
                if (_entries.Count <= target && _bytes + needed <= maxBytes)
                {
                    break;
                }
                Remove(key, entry);
            }
        }
    }

    private void Remove(string key, Entry entry)
    {
        _entries.Remove(key);
        _bytes -= entry.Response.Length;
    }
}
