using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Axolotl.Proxy.Network;

/// <summary>An IPv4 range such as 10.96.0.0/16: what the proxy may put on its interface.</summary>
public sealed class Ipv4Cidr
{
    private readonly uint _network;
    private readonly uint _mask;

    private Ipv4Cidr(uint network, int prefix)
    {
        Prefix = prefix;
        _mask = prefix == 0 ? 0 : uint.MaxValue << (32 - prefix);
        _network = network & _mask;
    }

    public int Prefix { get; }

    public static Ipv4Cidr Parse(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !IPAddress.TryParse(text[..slash], out var address) || address.AddressFamily != AddressFamily.InterNetwork
            || !int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) || prefix > 32)
        {
            throw new ArgumentException($"invalid IPv4 CIDR \"{text}\": want a.b.c.d/n", nameof(text));
        }
        return new Ipv4Cidr(ToUInt(address), prefix);
    }

    public bool Contains(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetwork && (ToUInt(address) & _mask) == _network;

    public override string ToString() => $"{FromUInt(_network)}/{Prefix}";

    internal static uint ToUInt(IPAddress address)
    {
        Span<byte> b = stackalloc byte[4];
        address.TryWriteBytes(b, out _);
        return ((uint)b[0] << 24) | ((uint)b[1] << 16) | ((uint)b[2] << 8) | b[3];
    }

    internal static IPAddress FromUInt(uint value) =>
        new([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
}
