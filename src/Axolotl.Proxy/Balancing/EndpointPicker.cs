using System.Collections.Concurrent;
using System.Net;
using Axolotl.Proxy.Routing;

namespace Axolotl.Proxy.Balancing;

/// <summary>
/// Chooses the endpoint for a new connection. It keeps only what must outlive a snapshot swap: a
/// round-robin position per Service port, open connections per endpoint, and when an endpoint last
/// refused a connection. An endpoint that failed within <see cref="Quarantine"/> is skipped while any
/// other is left, so after a crash the next clients do not each pay a failed connect first. An
/// endpoint the node agent already knows to be not ready (<see cref="LocalReadiness"/>) is never
/// picked. Thread-safe and allocation-free; called on every accept. Service ports with sessionAffinity
/// ClientIP go through <see cref="PickFor"/>, which keeps a client on its endpoint (<see cref="Affinity"/>).
/// </summary>
public sealed class EndpointPicker(BalancingMode mode, TimeProvider time)
{
    private readonly ConcurrentDictionary<ServicePortName, StrongBox> _positions = new();
    private readonly ConcurrentDictionary<IPEndPoint, StrongBox> _open = new();
    private readonly ConcurrentDictionary<IPEndPoint, long> _failedAt = new();

    public BalancingMode Mode { get; } = mode;

    public TimeSpan Quarantine { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Where each client of a Service port with sessionAffinity ClientIP was sent.</summary>
    public ClientAffinity Affinity { get; init; } = new(time);

    /// <summary>This node's own knowledge of its pods' readiness, ahead of the EndpointSlices; null: the slices only.</summary>
    public ILocalEndpointReadiness? LocalReadiness { get; init; }

    /// <summary>The next endpoint among <paramref name="candidates"/> not in <paramref name="exclude"/>, or null when none is left.</summary>
    public RouteEndpoint? Pick(ServicePortName service, IReadOnlyList<RouteEndpoint> candidates, IReadOnlySet<IPEndPoint>? exclude = null)
    {
        int usable = 0, healthy = 0;
        for (var i = 0; i < candidates.Count; i++)
        {
            if (Usable(candidates[i], exclude))
            {
                usable++;
                if (!InQuarantine(candidates[i].EndPoint))
                {
                    healthy++;
                }
            }
        }
        if (usable == 0)
        {
            return null;
        }
        // Quarantined endpoints count only when nothing else is left.
        var skipQuarantined = healthy > 0;
        var eligible = skipQuarantined ? healthy : usable;
        var start = (int)((ulong)Interlocked.Increment(ref _positions.GetOrAdd(service, _ => new StrongBox()).Value) % (ulong)eligible);
        RouteEndpoint? best = null;
        var fewest = long.MaxValue;
        var seen = 0;
        // Visit the eligible endpoints in order from the start-th one, wrapping around.
        for (var pass = 0; pass < 2; pass++)
        {
            for (var i = 0; i < candidates.Count; i++)
            {
                var candidate = candidates[i];
                if (!Usable(candidate, exclude) || (skipQuarantined && InQuarantine(candidate.EndPoint)))
                {
                    continue;
                }
                var index = seen++;
                if (pass == 0 && index < start || pass == 1 && index >= eligible + start)
                {
                    continue;
                }
                if (Mode == BalancingMode.RoundRobin)
                {
                    return candidate;
                }
                var open = OpenConnections(candidate.EndPoint);
                if (open < fewest)
                {
                    best = candidate;
                    fewest = open;
                }
            }
        }
        return best;
    }

    /// <summary>
    /// <see cref="Pick"/> for a new connection or flow of <paramref name="client"/> on <paramref name="route"/>:
    /// with ClientIP affinity, the endpoint the client used within the timeout while it is still a usable
    /// candidate, else a new one, remembered. A new client's endpoint is chosen by a hash of its address
    /// (rendezvous hashing) rather than in turn, so the proxies of several nodes sharing a frontend on one
    /// host (SO_REUSEPORT) choose alike without sharing state.
    /// </summary>
    public RouteEndpoint? PickFor(ServiceRoute route, IReadOnlyList<RouteEndpoint> candidates, IPAddress client, IReadOnlySet<IPEndPoint>? exclude = null)
    {
        if (route.AffinityTimeout is not { } timeout)
        {
            return Pick(route.Name, candidates, exclude);
        }
        if (Affinity.Lookup(route.Name, client, timeout) is { } sticky)
        {
            for (var i = 0; i < candidates.Count; i++)
            {
                if (candidates[i].EndPoint.Equals(sticky) && Usable(candidates[i], exclude))
                {
                    Affinity.Record(route.Name, client, sticky, timeout);
                    return candidates[i];
                }
            }
        }
        var chosen = PickByHash(candidates, client, exclude);
        if (chosen is not null)
        {
            Affinity.Record(route.Name, client, chosen.EndPoint, timeout);
        }
        return chosen;
    }

    private RouteEndpoint? PickByHash(IReadOnlyList<RouteEndpoint> candidates, IPAddress client, IReadOnlySet<IPEndPoint>? exclude)
    {
        RouteEndpoint? best = null, bestQuarantined = null;
        ulong bestScore = 0, bestQuarantinedScore = 0;
        for (var i = 0; i < candidates.Count; i++)
        {
            var candidate = candidates[i];
            if (!Usable(candidate, exclude))
            {
                continue;
            }
            var score = Score(client, candidate.EndPoint);
            if (InQuarantine(candidate.EndPoint))
            {
                if (bestQuarantined is null || score > bestQuarantinedScore)
                {
                    (bestQuarantined, bestQuarantinedScore) = (candidate, score);
                }
            }
            else if (best is null || score > bestScore)
            {
                (best, bestScore) = (candidate, score);
            }
        }
        return best ?? bestQuarantined;
    }

    /// <summary>FNV-1a over the client address and the endpoint's address and port: stable across processes.</summary>
    private static ulong Score(IPAddress client, IPEndPoint endPoint)
    {
        Span<byte> bytes = stackalloc byte[16 + 16 + 2];
        client.TryWriteBytes(bytes, out var clientLength);
        endPoint.Address.TryWriteBytes(bytes[clientLength..], out var endpointLength);
        var length = clientLength + endpointLength;
        bytes[length++] = (byte)(endPoint.Port >> 8);
        bytes[length++] = (byte)endPoint.Port;
        var hash = 14695981039346656037UL;
        foreach (var b in bytes[..length])
        {
            hash = (hash ^ b) * 1099511628211UL;
        }
        // A final mix, so that endpoints differing in one byte do not order alike for every client.
        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccdUL;
        hash ^= hash >> 33;
        return hash;
    }

    public void Opened(IPEndPoint endPoint)
    {
        Interlocked.Increment(ref _open.GetOrAdd(endPoint, _ => new StrongBox()).Value);
        _failedAt.TryRemove(endPoint, out _);
    }

    public void Closed(IPEndPoint endPoint)
    {
        if (_open.TryGetValue(endPoint, out var box))
        {
            Interlocked.Decrement(ref box.Value);
        }
    }

    /// <summary>A connect to <paramref name="endPoint"/> was refused, unreachable or timed out.</summary>
    public void Failed(IPEndPoint endPoint) => _failedAt[endPoint] = time.GetTimestamp();

    public long OpenConnections(IPEndPoint endPoint) => _open.TryGetValue(endPoint, out var box) ? Interlocked.Read(ref box.Value) : 0;

    /// <summary>Drops state of Service ports and endpoints that are gone (no open connections left).</summary>
    public void Prune(RoutingSnapshot snapshot)
    {
        Affinity.Prune(snapshot);
        foreach (var service in _positions.Keys)
        {
            if (!snapshot.Routes.ContainsKey(service))
            {
                _positions.TryRemove(service, out _);
            }
        }
        var live = snapshot.Routes.Values.SelectMany(r => r.All).Select(e => e.EndPoint).ToHashSet();
        foreach (var (endPoint, box) in _open)
        {
            if (!live.Contains(endPoint) && Interlocked.Read(ref box.Value) == 0)
            {
                _open.TryRemove(endPoint, out _);
            }
        }
        foreach (var endPoint in _failedAt.Keys)
        {
            if (!live.Contains(endPoint))
            {
                _failedAt.TryRemove(endPoint, out _);
            }
        }
    }

    private bool Usable(RouteEndpoint endpoint, IReadOnlySet<IPEndPoint>? exclude) =>
        (exclude is null || !exclude.Contains(endpoint.EndPoint)) && LocalReadiness?.IsKnownNotReady(endpoint.EndPoint.Address) != true;

    private bool InQuarantine(IPEndPoint endPoint) =>
        !_failedAt.IsEmpty && _failedAt.TryGetValue(endPoint, out var at) && time.GetElapsedTime(at) < Quarantine;

    private sealed class StrongBox
    {
        public long Value;
    }
}
