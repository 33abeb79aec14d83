using System.Collections.Concurrent;
using System.Net;

namespace Axolotl.Proxy.Balancing;

/// <summary>
/// This node's pods that its agent knows to be not ready, by pod IP (ADR 0003). The agent in the same
/// process reports changes as it makes them; the proxy holds those endpoints back at once, without
/// waiting for the status write, the EndpointSlice update and the watch. A pod that turns ready again,
/// or is gone, is forgotten, and the slices alone decide again. Thread-safe.
/// </summary>
public sealed class LocalPodReadiness : ILocalEndpointReadiness
{
    private readonly ConcurrentDictionary<IPAddress, string> _notReady = new();
    private readonly ConcurrentDictionary<string, IPAddress> _addresses = new(StringComparer.Ordinal);

    public int NotReadyCount => _notReady.Count;

    /// <inheritdoc/>
    public event Action? Changed;

    public void Report(string podUid, IPAddress podIp, bool ready)
    {
        var changed = false;
        if (_addresses.TryGetValue(podUid, out var earlier) && !earlier.Equals(podIp))
        {
            changed |= _notReady.TryRemove(KeyValuePair.Create(earlier, podUid));
        }
        _addresses[podUid] = podIp;
        if (ready)
        {
            changed |= _notReady.TryRemove(KeyValuePair.Create(podIp, podUid));
        }
        else if (!_notReady.TryGetValue(podIp, out var holder) || holder != podUid)
        {
            // A newer pod on a reused address takes the entry over.
            _notReady[podIp] = podUid;
            changed = true;
        }
        if (changed)
        {
            Changed?.Invoke();
        }
    }

    public void Forget(string podUid)
    {
        if (_addresses.TryRemove(podUid, out var address) && _notReady.TryRemove(KeyValuePair.Create(address, podUid)))
        {
            Changed?.Invoke();
        }
    }

    public bool IsKnownNotReady(IPAddress address) => !_notReady.IsEmpty && _notReady.ContainsKey(address);
}
