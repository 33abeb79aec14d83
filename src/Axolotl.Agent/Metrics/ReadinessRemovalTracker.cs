using System.Net;
using Axolotl.Api.Discovery;

namespace Axolotl.Agent.Metrics;

/// <summary>
/// axolotl_readiness_endpoint_removal_seconds (ADR 0017): the clock starts on this node when the agent
/// finds a ready pod not ready (a readiness probe crossing its failure threshold, or a container exit;
/// not a deletion) and stops when this node's EndpointSlice watch — the service proxy's — first shows
/// the pod's endpoint gone or no longer ready in a slice that had it ready. Both readings come from
/// this node's clock, so the span is exact to the millisecond, unlike the pod condition's
/// lastTransitionTime (whole seconds, another machine's clock). One observation per failure, whatever
/// the number of Services the pod is in. At most one pending failure per pod of this node. Thread-safe.
/// </summary>
public sealed class ReadinessRemovalTracker(HealingMetrics healing, TimeProvider time)
{
    private readonly Dictionary<string, (string Ip, DateTimeOffset Since)> _pending = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Pods whose removal is still awaited (tests).</summary>
    public int Pending
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>The pod went from ready to not ready now.</summary>
    public void NotReady(string podUid, IPAddress podIp)
    {
        lock (_lock)
        {
            _pending[podUid] = (podIp.ToString(), time.GetUtcNow());
        }
    }

    /// <summary>The pod is ready again (or gone, or being deleted): no removal to wait for.</summary>
    public void Cancel(string podUid)
    {
        lock (_lock)
        {
            _pending.Remove(podUid);
        }
    }

    /// <summary>The watch's view of one slice changed (<paramref name="before"/> null: added; <paramref name="after"/> null: deleted).</summary>
    public void SliceChanged(EndpointSlice? before, EndpointSlice? after)
    {
        if (before is null)
        {
            // A new slice removes nothing: whatever it lists was not in it before.
            return;
        }
        lock (_lock)
        {
            if (_pending.Count == 0)
            {
                return;
            }
            List<string>? removed = null;
            foreach (var (uid, (ip, since)) in _pending)
            {
                if (ReadyIn(before, uid, ip) && !ReadyIn(after, uid, ip))
                {
                    healing.EndpointRemoved(time.GetUtcNow() - since);
                    (removed ??= []).Add(uid);
                }
            }
            foreach (var uid in removed ?? [])
            {
                _pending.Remove(uid);
            }
        }
    }

    /// <summary>An endpoint of this pod (by its targetRef's uid, else its address) that is ready; unset ready means ready, as upstream reads it.</summary>
    private static bool ReadyIn(EndpointSlice? slice, string uid, string ip) =>
        slice is not null && slice.Endpoints.Any(e =>
            (e.TargetRef?.Uid is { Length: > 0 } target ? target == uid : e.Addresses.Contains(ip, StringComparer.Ordinal))
            && e.Conditions?.Ready != false);
}
