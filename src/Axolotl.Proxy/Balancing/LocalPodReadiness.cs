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

    public void Report(string podUid, IPAddress podIp, bool ready)
    {
        if (_addresses.TryGetValue(podUid, out var earlier) && !earlier.Equals(podIp))
        {
            _notReady.TryRemove(KeyValuePair.Create(earlier, podUid));
        }
        _addresses[podUid] = podIp;
        if (ready)
        {
            _notReady.TryRemove(KeyValuePair.Create(podIp, podUid));
        }
        else
        {
            // A newer pod on a reused address takes the entry over.
            _notReady[podIp] = podUid;
        }
    }

    public void Forget(string podUid)
    {
        if (_addresses.TryRemove(podUid, out var address))
        {
            _notReady.TryRemove(KeyValuePair.Create(address, podUid));
        }
    }

    public bool IsKnownNotReady(IPAddress address) => !_notReady.IsEmpty && _notReady.ContainsKey(address);
}
