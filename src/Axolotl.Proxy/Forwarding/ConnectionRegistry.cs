using System.Collections.Concurrent;
using System.Net.Sockets;
using Axolotl.Proxy.Routing;

namespace Axolotl.Proxy.Forwarding;

/// <summary>
/// The proxied connections that are open, by Service port: counted against the limit, and aborted
/// together when their Service (port) disappears, so clients of a deleted Service get a prompt reset
/// instead of a connection whose address is gone.
/// </summary>
internal sealed class ConnectionRegistry
{
    private readonly ConcurrentDictionary<ServicePortName, ConcurrentDictionary<long, (Socket Client, Socket Backend)>> _byService = new();
    private long _nextId;
    private int _count;

    public int Count => Volatile.Read(ref _count);

    /// <summary>Reserves a slot; false when <paramref name="limit"/> connections are already open.</summary>
    public bool TryReserve(int limit)
    {
        if (Interlocked.Increment(ref _count) <= limit)
        {
            return true;
        }
        Interlocked.Decrement(ref _count);
        return false;
    }

    public void Release() => Interlocked.Decrement(ref _count);

    public long Add(ServicePortName service, Socket client, Socket backend)
    {
        var id = Interlocked.Increment(ref _nextId);
        _byService.GetOrAdd(service, _ => new ConcurrentDictionary<long, (Socket, Socket)>())[id] = (client, backend);
        return id;
    }

    public void Remove(ServicePortName service, long id)
    {
        if (_byService.TryGetValue(service, out var connections))
        {
            connections.TryRemove(id, out _);
        }
    }

    public int OpenFor(ServicePortName service) => _byService.TryGetValue(service, out var connections) ? connections.Count : 0;

    /// <summary>Resets every connection of a Service port that <paramref name="snapshot"/> no longer has; returns how many.</summary>
    public int AbortMissing(RoutingSnapshot snapshot)
    {
        var aborted = 0;
        foreach (var (service, connections) in _byService)
        {
            if (snapshot.Routes.ContainsKey(service))
            {
                continue;
            }
            foreach (var (id, (client, backend)) in connections)
            {
                if (connections.TryRemove(id, out _))
                {
                    ConnectionPump.Abort(client);
                    ConnectionPump.Abort(backend);
                    aborted++;
                }
            }
            if (connections.IsEmpty)
            {
                _byService.TryRemove(KeyValuePair.Create(service, connections));
            }
        }
        return aborted;
    }

    /// <summary>Resets everything (proxy stopping).</summary>
    public void AbortAll()
    {
        foreach (var connections in _byService.Values)
        {
            foreach (var (id, (client, backend)) in connections)
            {
                if (connections.TryRemove(id, out _))
                {
                    ConnectionPump.Abort(client);
                    ConnectionPump.Abort(backend);
                }
            }
        }
    }
}
