using System.Globalization;
using System.Net;

namespace Axolotl.Agent.Network;

/// <summary>An IPv4 pod CIDR: network, prefix, gateway (first host) and the host addresses after it.</summary>
public sealed class PodCidr
{
    private readonly uint _network;

    public PodCidr(string cidr)
    {
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !IPAddress.TryParse(cidr[..slash], out var address) || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            throw new ArgumentException($"pod CIDR must be IPv4 a.b.c.d/n: {cidr}", nameof(cidr));
        }

        Prefix = int.Parse(cidr[(slash + 1)..], CultureInfo.InvariantCulture);
        if (Prefix is < 16 or > 30)
        {
            throw new ArgumentException($"pod CIDR prefix must be 16..30: {cidr}", nameof(cidr));
        }

        var mask = uint.MaxValue << (32 - Prefix);
        _network = ToUInt(address) & mask;
    }

    public int Prefix { get; }

    /// <summary>The network address, e.g. 10.244.1.0.</summary>
    public string Network => FromUInt(_network);

    /// <summary>True when <paramref name="inner"/> lies wholly inside <paramref name="outer"/> (both IPv4 CIDRs; false if either does not parse).</summary>
    public static bool Within(string inner, string outer) =>
        Range(inner) is var (innerNet, innerPrefix) && Range(outer) is var (outerNet, outerPrefix) &&
        innerPrefix >= outerPrefix && (innerNet & Mask(outerPrefix)) == outerNet;

    /// <summary>True when the two CIDRs share any address (the API server's claim check uses the same rule).</summary>
    public static bool Overlaps(string a, string b) => Axolotl.Api.Validation.NetRules.CidrsOverlap(a, b);

    private static (uint Network, int Prefix)? Range(string cidr)
    {
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !IPAddress.TryParse(cidr[..slash], out var address) || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork ||
            !int.TryParse(cidr[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) || prefix > 32)
        {
            return null;
        }
        return (ToUInt(address) & Mask(prefix), prefix);
    }

    private static uint Mask(int prefix) => prefix == 0 ? 0u : uint.MaxValue << (32 - prefix);

    public string Gateway => FromUInt(_network + 1);

    /// <summary>Pod addresses: everything between the gateway and the broadcast address.</summary>
    public IEnumerable<string> PodAddresses
    {
        get
        {
            var size = 1u << (32 - Prefix);
            for (var i = 2u; i < size - 1; i++)
            {
                yield return FromUInt(_network + i);
            }
        }
    }

    private static uint ToUInt(IPAddress address)
    {
        var b = address.GetAddressBytes();
        return ((uint)b[0] << 24) | ((uint)b[1] << 16) | ((uint)b[2] << 8) | b[3];
    }

    private static string FromUInt(uint value) =>
        $"{value >> 24}.{(value >> 16) & 255}.{(value >> 8) & 255}.{value & 255}";
}
