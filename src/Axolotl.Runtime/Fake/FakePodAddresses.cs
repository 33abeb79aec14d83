using Axolotl.Runtime.Network;

namespace Axolotl.Runtime.Fake;

/// <summary>
/// Pod IPs for fake sandboxes, taken from the node's pod CIDR like the real runtime's IPAM (lowest free
/// address after the gateway, the same one again for the same pod, freed with the sandbox) but kept in
/// memory only: fake containers do not survive the process either, so there is nothing to re-adopt.
/// </summary>
public sealed class FakePodAddresses(PodCidr cidr)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, string> _byPod = new(StringComparer.Ordinal);
    private readonly HashSet<string> _taken = new(StringComparer.Ordinal);

    /// <summary>How many addresses are held.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _byPod.Count;
            }
        }
    }

    /// <summary>The pod's address: the one it holds, or the lowest free one. Throws when the range is exhausted.</summary>
    public string Allocate(string podUid)
    {
        lock (_lock)
        {
            if (_byPod.TryGetValue(podUid, out var held))
            {
                return held;
            }
            // A /24 has 253 pod addresses and a node runs at most maxPods (110): a linear scan is cheap.
            foreach (var address in cidr.PodAddresses)
            {
                if (_taken.Add(address))
                {
                    _byPod[podUid] = address;
                    return address;
                }
            }
            throw new InvalidOperationException($"no free pod address left in {cidr.Gateway}/{cidr.Prefix}");
        }
    }

    /// <summary>Frees whatever the pod holds; idempotent.</summary>
    public void Release(string podUid)
    {
        lock (_lock)
        {
            if (_byPod.Remove(podUid, out var address))
            {
                _taken.Remove(address);
            }
        }
    }
}
