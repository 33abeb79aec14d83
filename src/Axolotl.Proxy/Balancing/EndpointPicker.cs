using System.Collections.Concurrent;
using System.Net;
using Axolotl.Proxy.Routing;

namespace Axolotl.Proxy.Balancing;

/// <summary>
/// Chooses the endpoint for a new connection. It keeps only what must outlive a snapshot swap: a
/// round-robin position per Service port, open connections per endpoint, and when an endpoint last
/// refused a connection. An endpoint that failed within <see cref="Quarantine"/> is skipped while any
/// other is left, so after a crash the next clients do not each pay a failed connect first.
/// Thread-safe; called on every accept.
/// </summary>
public sealed class EndpointPicker(BalancingMode mode, TimeProvider time)
{
    private readonly ConcurrentDictionary<ServicePortName, StrongBox> _positions = new();
    private readonly ConcurrentDictionary<IPEndPoint, StrongBox> _open = new();
    private readonly ConcurrentDictionary<IPEndPoint, long> _failedAt = new();

    public BalancingMode Mode { get; } = mode;

    public TimeSpan Quarantine { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The next endpoint among <paramref name="candidates"/> not in <paramref name="exclude"/>, or null when none is left.</summary>
    public RouteEndpoint? Pick(ServicePortName service, IReadOnlyList<RouteEndpoint> candidates, IReadOnlySet<IPEndPoint>? exclude = null)
    {
        var usable = candidates.Where(e => exclude is null || !exclude.Contains(e.EndPoint)).ToList();
        if (usable.Count == 0)
        {
            return null;
        }
        var healthy = usable.Where(e => !InQuarantine(e.EndPoint)).ToList();
        if (healthy.Count > 0)
        {
            usable = healthy;
        }
        var start = (int)((ulong)Interlocked.Increment(ref _positions.GetOrAdd(service, _ => new StrongBox()).Value) % (ulong)usable.Count);
        if (Mode == BalancingMode.RoundRobin)
        {
            return usable[start];
        }
        RouteEndpoint best = usable[start];
        var fewest = OpenConnections(best.EndPoint);
        for (var i = 1; i < usable.Count; i++)
        {
            var candidate = usable[(start + i) % usable.Count];
            var open = OpenConnections(candidate.EndPoint);
            if (open < fewest)
            {
                best = candidate;
                fewest = open;
            }
        }
        return best;
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

    private bool InQuarantine(IPEndPoint endPoint) =>
        _failedAt.TryGetValue(endPoint, out var at) && time.GetElapsedTime(at) < Quarantine;

    private sealed class StrongBox
    {
        public long Value;
    }
}
