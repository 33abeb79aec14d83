using System.Collections.Concurrent;
using System.Net;
using Axolotl.Proxy.Routing;

namespace Axolotl.Proxy.Balancing;

/// <summary>
/// sessionAffinity ClientIP: which endpoint each client IP of a Service port went to, and when it last
/// opened a connection (or UDP flow) there. As kube-proxy's `recent` match, the timeout runs from the
/// last new connection, not from the last byte. Bounded: past <see cref="Capacity"/> entries the expired
/// ones are swept, and if none is expired a new client is balanced without being remembered. Thread-safe.
/// </summary>
public sealed class ClientAffinity(TimeProvider time, int capacity = 65536)
{
    private readonly ConcurrentDictionary<(ServicePortName Service, IPAddress Client), Entry> _entries = new();
    private readonly Lock _sweep = new();

    public int Capacity { get; } = capacity;

    public int Count => _entries.Count;

    /// <summary>The endpoint <paramref name="client"/> was sent to within <paramref name="timeout"/>, or null.</summary>
    public IPEndPoint? Lookup(ServicePortName service, IPAddress client, TimeSpan timeout)
    {
        if (!_entries.TryGetValue((service, client), out var entry))
        {
            return null;
        }
        if (time.GetElapsedTime(Volatile.Read(ref entry.LastUsed)) >= timeout)
        {
            _entries.TryRemove(KeyValuePair.Create((service, client), entry));
            return null;
        }
        return entry.EndPoint;
    }

    /// <summary>The client's new connection goes to <paramref name="endPoint"/>; its timeout starts again. False when the table is full.</summary>
    public bool Record(ServicePortName service, IPAddress client, IPEndPoint endPoint, TimeSpan timeout)
    {
        var key = (service, client);
        var now = time.GetTimestamp();
        if (_entries.TryGetValue(key, out var existing) && existing.EndPoint.Equals(endPoint))
        {
            Volatile.Write(ref existing.LastUsed, now);
            return true;
        }
        if (existing is null && _entries.Count >= Capacity)
        {
            SweepExpired();
            if (_entries.Count >= Capacity)
            {
                return false;
            }
        }
        _entries[key] = new Entry(endPoint, timeout, now);
        return true;
    }

    /// <summary>Forgets entries of Service ports that are gone or no longer ask for affinity, and expired ones.</summary>
    public void Prune(RoutingSnapshot snapshot)
    {
        foreach (var (key, entry) in _entries)
        {
            if (!snapshot.Routes.TryGetValue(key.Service, out var route) || route.AffinityTimeout is null || Expired(entry))
            {
                _entries.TryRemove(KeyValuePair.Create(key, entry));
            }
        }
    }

    public void SweepExpired()
    {
        lock (_sweep)
        {
            foreach (var (key, entry) in _entries)
            {
                if (Expired(entry))
                {
                    _entries.TryRemove(KeyValuePair.Create(key, entry));
                }
            }
        }
    }

    private bool Expired(Entry entry) => time.GetElapsedTime(Volatile.Read(ref entry.LastUsed)) >= entry.Timeout;

    private sealed class Entry(IPEndPoint endPoint, TimeSpan timeout, long lastUsed)
    {
        public readonly IPEndPoint EndPoint = endPoint;
        public readonly TimeSpan Timeout = timeout;
        public long LastUsed = lastUsed;
    }
}
