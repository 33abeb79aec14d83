using System.Net;
using Axolotl.Proxy.Routing;

namespace Axolotl.Proxy.Forwarding.Udp;

/// <summary>
/// The UDP flows of one node's proxy, by frontend and client address: found on each datagram, timed
/// out when idle (conntrack's UDP timeouts, <see cref="UdpFlowOptions"/>), bounded in number overall
/// and per client IP, and removed when their endpoint stops being usable (kube-proxy deletes the UDP
/// conntrack entries of removed endpoints so that clients do not keep sending into the void). A pure
/// decision object: flows that leave the table are returned to the caller, who closes their sockets.
/// Thread-safe (one lock; every call is short).
/// </summary>
internal sealed class UdpFlowTable(UdpFlowOptions options, TimeProvider time)
{
    private readonly Dictionary<(Frontend Frontend, IPEndPoint Client), UdpFlow> _flows = [];
    private readonly Dictionary<IPAddress, List<UdpFlow>> _byClient = [];
    private readonly Lock _lock = new();
    private long _lastFullSweep = long.MinValue;

    public UdpFlowOptions Options { get; } = options;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _flows.Count;
            }
        }
    }

    /// <summary>The client's live flow on the frontend; an idle one past its timeout is removed and handed back in <paramref name="expired"/>.</summary>
    public UdpFlow? Find(Frontend frontend, IPEndPoint client, out UdpFlow? expired)
    {
        expired = null;
        lock (_lock)
        {
            if (!_flows.TryGetValue((frontend, client), out var flow))
            {
                return null;
            }
            if (IsExpired(flow, time.GetTimestamp()))
            {
                RemoveLocked(flow);
                expired = flow;
                return null;
            }
            return flow;
        }
    }

    /// <summary>
    /// Adds a new flow. When its client already has <see cref="UdpFlowOptions.MaxFlowsPerClient"/>, that
    /// client's least recently used flow makes room (<paramref name="evicted"/>). When the table holds
    /// <see cref="UdpFlowOptions.MaxFlows"/> even after expired flows are swept, the flow is refused.
    /// </summary>
    public bool TryAdd(UdpFlow flow, out List<UdpFlow> evicted)
    {
        evicted = [];
        lock (_lock)
        {
            var now = time.GetTimestamp();
            if (_flows.ContainsKey((flow.Frontend, flow.Client)))
            {
                return false;
            }
            if (_byClient.TryGetValue(flow.Client.Address, out var own) && own.Count >= Options.MaxFlowsPerClient)
            {
                var oldest = own[0];
                foreach (var candidate in own)
                {
                    if (candidate.LastSeen < oldest.LastSeen)
                    {
                        oldest = candidate;
                    }
                }
                RemoveLocked(oldest);
                evicted.Add(oldest);
            }
            if (_flows.Count >= Options.MaxFlows)
            {
                // A full sweep at most once a second: a flood of new flows into a full table costs a lookup each, not a scan.
                if (_lastFullSweep == long.MinValue || time.GetElapsedTime(_lastFullSweep, now) >= TimeSpan.FromSeconds(1))
                {
                    _lastFullSweep = now;
                    evicted.AddRange(ExpireLocked(now));
                }
                if (_flows.Count >= Options.MaxFlows)
                {
                    return false;
                }
            }
            _flows[(flow.Frontend, flow.Client)] = flow;
            if (own is null)
            {
                _byClient[flow.Client.Address] = own = [];
            }
            own.Add(flow);
            return true;
        }
    }

    /// <summary>A datagram from the client: the flow's idle time starts again.</summary>
    public void SawRequest(UdpFlow flow) => Saw(flow, reply: false);

    /// <summary>A datagram from the endpoint.</summary>
    public void SawReply(UdpFlow flow) => Saw(flow, reply: true);

    /// <summary>Removes the flows idle past their timeout.</summary>
    public List<UdpFlow> Expire()
    {
        lock (_lock)
        {
            return ExpireLocked(time.GetTimestamp());
        }
    }

    /// <summary>
    /// Removes the flows whose frontend no longer serves their Service port, or whose endpoint is no
    /// longer one that port's new traffic may go to (removed, or not ready while others are): their
    /// clients' next datagram starts a flow to a usable endpoint.
    /// </summary>
    public List<UdpFlow> RemoveStale(RoutingSnapshot snapshot) =>
        RemoveWhere(flow => !snapshot.TryResolve(flow.Frontend, out var target, out var route) || target.Service != flow.Service ||
                            !route.For(target).Any(e => e.EndPoint.Equals(flow.Endpoint.EndPoint)));

    public List<UdpFlow> RemoveFrontend(Frontend frontend) => RemoveWhere(flow => flow.Frontend == frontend);

    public List<UdpFlow> RemoveAll() => RemoveWhere(_ => true);

    /// <summary>Removes one flow (its endpoint refused); false when it had already left.</summary>
    public bool Remove(UdpFlow flow)
    {
        lock (_lock)
        {
            if (!_flows.TryGetValue((flow.Frontend, flow.Client), out var current) || current != flow)
            {
                return false;
            }
            RemoveLocked(flow);
            return true;
        }
    }

    private void Saw(UdpFlow flow, bool reply)
    {
        lock (_lock)
        {
            var now = time.GetTimestamp();
            flow.LastSeen = now;
            if (flow.FirstReplyAt is { } firstReply)
            {
                if (!flow.Stream && time.GetElapsedTime(firstReply, now) > Options.StreamAfter)
                {
                    flow.Stream = true;
                }
            }
            else if (reply)
            {
                flow.FirstReplyAt = now;
            }
        }
    }

    private bool IsExpired(UdpFlow flow, long now) =>
        time.GetElapsedTime(flow.LastSeen, now) >= (flow.Stream ? Options.StreamTimeout : Options.Timeout);

    private List<UdpFlow> ExpireLocked(long now)
    {
        var expired = _flows.Values.Where(f => IsExpired(f, now)).ToList();
        foreach (var flow in expired)
        {
            RemoveLocked(flow);
        }
        return expired;
    }

    private List<UdpFlow> RemoveWhere(Func<UdpFlow, bool> predicate)
    {
        lock (_lock)
        {
            var removed = _flows.Values.Where(predicate).ToList();
            foreach (var flow in removed)
            {
                RemoveLocked(flow);
            }
            return removed;
        }
    }

    private void RemoveLocked(UdpFlow flow)
    {
        _flows.Remove((flow.Frontend, flow.Client));
        if (_byClient.TryGetValue(flow.Client.Address, out var own))
        {
            own.Remove(flow);
            if (own.Count == 0)
            {
                _byClient.Remove(flow.Client.Address);
            }
        }
    }
}
