using Axolotl.Api.Net;

namespace Axolotl.Runtime.Network;

/// <summary>An IPv4 pod CIDR: network, prefix, gateway (first host) and the host addresses after it.</summary>
public sealed class PodCidr
{
    private readonly uint _network;

    public PodCidr(string cidr)
    {
        if (!Ipv4Cidr.TryParse(cidr, out var range))
        {
            throw new ArgumentException($"pod CIDR must be IPv4 a.b.c.d/n: {cidr}", nameof(cidr));
        }

        Prefix = range.Prefix;
        if (Prefix is < 16 or > 30)
        {
            throw new ArgumentException($"pod CIDR prefix must be 16..30: {cidr}", nameof(cidr));
        }

        _network = range.Network;
    }

    public int Prefix { get; }

    /// <summary>The network address, e.g. 10.244.1.0.</summary>
    public string Network => Ipv4Cidr.Format(_network);

    /// <summary>True when <paramref name="inner"/> lies wholly inside <paramref name="outer"/> (both IPv4 CIDRs; false if either does not parse).</summary>
    public static bool Within(string inner, string outer) =>
        Ipv4Cidr.TryParse(inner, out var innerRange) && Ipv4Cidr.TryParse(outer, out var outerRange) && outerRange.Contains(innerRange);

    /// <summary>True when the two CIDRs share any address (the API server's claim check uses the same rule).</summary>
    public static bool Overlaps(string a, string b) => Axolotl.Api.Validation.NetRules.CidrsOverlap(a, b);

    public string Gateway => Ipv4Cidr.Format(_network + 1);

    /// <summary>Pod addresses: everything between the gateway and the broadcast address.</summary>
    public IEnumerable<string> PodAddresses
    {
        get
        {
            var size = 1u << (32 - Prefix);
            for (var i = 2u; i < size - 1; i++)
            {
                yield return Ipv4Cidr.Format(_network + i);
            }
        }
    }
}
