using System.Net;

namespace Axolotl.Agent.Status;

/// <summary>
/// Tells an <see cref="IPodReadinessObserver"/> of each pod's readiness changes, once per change,
/// from the two places that learn them: a pod's lane (crash, deletion, recovery) and, sooner, a
/// readiness probe the moment it fails (ADR 0003). Thread-safe.
/// </summary>
public sealed class ReadinessReports(IPodReadinessObserver observer)
{
    private readonly Dictionary<string, bool> _told = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public static ReadinessReports None { get; } = new(NoReadinessObserver.Instance);

    public IPodReadinessObserver Observer { get; } = observer;

    public void Tell(string podUid, string? podIp, bool ready)
    {
        if (!IPAddress.TryParse(podIp, out var ip))
        {
            return;
        }
        lock (_lock)
        {
            if (_told.TryGetValue(podUid, out var told) && told == ready)
            {
                return;
            }
            _told[podUid] = ready;
            Observer.ReadinessChanged(podUid, ip, ready);
        }
    }

    public void Forget(string podUid)
    {
        lock (_lock)
        {
            _told.Remove(podUid);
            Observer.PodGone(podUid);
        }
    }
}
