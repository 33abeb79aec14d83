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
