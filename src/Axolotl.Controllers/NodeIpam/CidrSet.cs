using System.Collections;
using System.Globalization;
using Axolotl.Api.Net;

namespace Axolotl.Controllers.NodeIpam;

/// <summary>
/// The node-sized subnets of one IPv4 cluster CIDR as a bitmap (upstream's cidrset): a subnet is
/// handed out at most once until released. Allocation continues after the last subnet given, as
/// upstream's does, so a subnet released a moment ago (a deleted node whose pods may still hold
/// addresses in it) is the last to be reused. Thread-safe.
/// </summary>
public sealed class CidrSet
{
    /// <summary>Upstream refuses more than 2^16 subnets per cluster CIDR.</summary>
    public const int MaxSubnetBits = 16;

    private readonly Lock _lock = new();
    private readonly BitArray _used;
    private readonly uint _network;
    private readonly int _clusterPrefix;
    private int _next;
    private int _allocated;

    public CidrSet(string clusterCidr, int nodeMaskSize)
    {
        (_network, _clusterPrefix) = Parse(clusterCidr)
            ?? throw new ArgumentException($"cluster CIDR must be an IPv4 network a.b.c.d/n: \"{clusterCidr}\"", nameof(clusterCidr));
        if (nodeMaskSize < _clusterPrefix || nodeMaskSize > 30)
        {
            throw new ArgumentException($"node CIDR mask size {nodeMaskSize} must be between the cluster CIDR's prefix ({_clusterPrefix}) and 30", nameof(nodeMaskSize));
        }
        if (nodeMaskSize - _clusterPrefix > MaxSubnetBits)
        {
            throw new ArgumentException($"node CIDR mask size {nodeMaskSize} is too big for cluster CIDR {clusterCidr}: at most {MaxSubnetBits} bits more than its prefix", nameof(nodeMaskSize));
        }
        NodeMaskSize = nodeMaskSize;
        ClusterCidr = $"{Ipv4Cidr.Format(_network)}/{_clusterPrefix}";
        _used = new BitArray(1 << (nodeMaskSize - _clusterPrefix));
    }

    public string ClusterCidr { get; }

    public int NodeMaskSize { get; }

    public int Capacity => _used.Length;

    public int Allocated
    {
        get
        {
            lock (_lock)
            {
                return _allocated;
            }
        }
    }

    /// <summary>The next free subnet, marked used; null when every subnet is taken.</summary>
    public string? AllocateNext()
    {
        lock (_lock)
        {
            for (var i = 0; i < _used.Length; i++)
            {
                var candidate = (_next + i) % _used.Length;
                if (!_used[candidate])
                {
                    _used[candidate] = true;
                    _allocated++;
                    _next = (candidate + 1) % _used.Length;
                    return SubnetAt(candidate);
                }
            }
            return null;
        }
    }

    /// <summary>Marks <paramref name="cidr"/> used; false when it is not one of this set's subnets or is already used.</summary>
    public bool Occupy(string cidr)
    {
        if (IndexOf(cidr) is not { } index)
        {
            return false;
        }
        lock (_lock)
        {
            if (_used[index])
            {
                return false;
            }
            _used[index] = true;
            _allocated++;
            return true;
        }
    }

    /// <summary>Frees <paramref name="cidr"/>; a subnet outside the set or not in use is ignored.</summary>
    public void Release(string cidr)
    {
        if (IndexOf(cidr) is not { } index)
        {
            return;
        }
        lock (_lock)
        {
            if (_used[index])
            {
                _used[index] = false;
                _allocated--;
            }
        }
    }

    public bool IsUsed(string cidr)
    {
        if (IndexOf(cidr) is not { } index)
        {
            return false;
        }
        lock (_lock)
        {
            return _used[index];
        }
    }

    /// <summary>The subnet's index when <paramref name="cidr"/> is exactly one node-sized subnet of the cluster CIDR.</summary>
    public int? IndexOf(string cidr)
    {
        if (Parse(cidr) is not var (network, prefix) || prefix != NodeMaskSize)
        {
            return null;
        }
        var clusterMask = Ipv4Cidr.MaskOf(_clusterPrefix);
        if ((network & clusterMask) != _network)
        {
            return null;
        }
        return (int)((network - _network) >> (32 - NodeMaskSize));
    }

    /// <summary>True when <paramref name="cidr"/> (any size) lies inside the cluster CIDR.</summary>
    public bool Contains(string cidr)
    {
        if (Parse(cidr) is not var (network, prefix) || prefix < _clusterPrefix)
        {
            return false;
        }
        var clusterMask = Ipv4Cidr.MaskOf(_clusterPrefix);
        return (network & clusterMask) == _network;
    }

    private string SubnetAt(int index) =>
        $"{Ipv4Cidr.Format(_network + ((uint)index << (32 - NodeMaskSize)))}/{NodeMaskSize.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>An IPv4 CIDR's network (host bits must be zero, as upstream's ParseCIDR-then-compare requires) and prefix.</summary>
    public static (uint Network, int Prefix)? Parse(string? cidr) =>
        Ipv4Cidr.TryParse(cidr, out var range) && range.IsCanonical ? (range.Network, range.Prefix) : null;
}
