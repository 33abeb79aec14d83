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

    /// <summary>Times each loss of readiness until the endpoint is removed (ADR 0017); null: not measured.</summary>
    public Metrics.ReadinessRemovalTracker? Removals { get; init; }

    /// <param name="failure">
    /// A loss of readiness that is a failure (a probe, an exit), not a deletion: the removal of the pod's
    /// endpoint is timed from now.
    /// </param>
    public void Tell(string podUid, string? podIp, bool ready, bool failure = true) => Tell(podUid, podIp, ready, failure, knownOnly: false);

    /// <summary>
    /// A container of the pod exited, seen off its lane: not ready now. Only for a pod already reported and not
    /// forgotten: a late exit must not bring a gone pod's address back onto the board (another pod may get it).
    /// </summary>
    public void TellExited(string podUid, string? podIp) => Tell(podUid, podIp, ready: false, failure: true, knownOnly: true);

    private void Tell(string podUid, string? podIp, bool ready, bool failure, bool knownOnly)
    {
        if (!IPAddress.TryParse(podIp, out var ip))
        {
            return;
        }
        lock (_lock)
        {
            if (_told.TryGetValue(podUid, out var told) ? told == ready : knownOnly)
            {
                return;
            }
            var wasReady = told;
            _told[podUid] = ready;
            Observer.ReadinessChanged(podUid, ip, ready);
            if (!ready && wasReady && failure)
            {
                Removals?.NotReady(podUid, ip);
            }
            else
            {
                Removals?.Cancel(podUid);
            }
        }
    }

    public void Forget(string podUid)
    {
        lock (_lock)
        {
            _told.Remove(podUid);
            Observer.PodGone(podUid);
            Removals?.Cancel(podUid);
        }
    }
}
