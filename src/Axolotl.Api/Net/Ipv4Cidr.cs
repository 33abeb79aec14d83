using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Axolotl.Api.Net;

/// <summary>
/// An IPv4 range such as 10.96.0.0/16 (service, cluster and pod CIDRs): the network, its prefix and
/// containment, with addresses as 32-bit numbers for range arithmetic. Host bits in the text are masked
/// off; <see cref="IsCanonical"/> says whether there were any.
/// </summary>
public sealed class Ipv4Cidr
{
    private Ipv4Cidr(uint address, int prefix)
    {
        Prefix = prefix;
        Mask = MaskOf(prefix);
        Network = address & Mask;
        IsCanonical = Network == address;
    }

    /// <summary>The network address as a number (host bits zero).</summary>
    public uint Network { get; }

    public int Prefix { get; }

    public uint Mask { get; }

    /// <summary>True when the text named the network itself (10.0.0.0/8, not 10.0.0.1/8), as upstream's ParseCIDR-then-compare requires.</summary>
    public bool IsCanonical { get; }

    /// <summary>How many addresses the range holds.</summary>
    public ulong Size => 1UL << (32 - Prefix);

    /// <summary>Parses "a.b.c.d/n" (n from 0 to 32); false for anything else, IPv6 included.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out Ipv4Cidr? cidr)
    {
        cidr = null;
        var slash = text?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (slash < 0 || !IPAddress.TryParse(text![..slash], out var address) || address.AddressFamily != AddressFamily.InterNetwork
            || !int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) || prefix > 32)
        {
            return false;
        }
        cidr = new Ipv4Cidr(ToUInt(address), prefix);
        return true;
    }

    /// <summary><see cref="TryParse"/>, throwing <see cref="ArgumentException"/> with a user-facing message.</summary>
    public static Ipv4Cidr Parse(string text) =>
        TryParse(text, out var cidr) ? cidr : throw new ArgumentException($"invalid IPv4 CIDR \"{text}\": want a.b.c.d/n", nameof(text));

    public bool Contains(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetwork && Contains(ToUInt(address));

    public bool Contains(uint address) => (address & Mask) == Network;

    /// <summary>True when <paramref name="inner"/> lies wholly inside this range.</summary>
    public bool Contains(Ipv4Cidr inner) => inner.Prefix >= Prefix && Contains(inner.Network);

    public override string ToString() => $"{Format(Network)}/{Prefix.ToString(CultureInfo.InvariantCulture)}";

    public static uint MaskOf(int prefix) => prefix == 0 ? 0u : uint.MaxValue << (32 - prefix);

    /// <summary>An IPv4 address as a number, most significant byte first.</summary>
    public static uint ToUInt(IPAddress address)
    {
        Span<byte> b = stackalloc byte[4];
        address.TryWriteBytes(b, out _);
        return ((uint)b[0] << 24) | ((uint)b[1] << 16) | ((uint)b[2] << 8) | b[3];
    }

    public static IPAddress ToAddress(uint value) =>
        new([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);

    /// <summary>"a.b.c.d" for a number from <see cref="ToUInt"/>.</summary>
    public static string Format(uint value) =>
        string.Create(CultureInfo.InvariantCulture, $"{value >> 24}.{(value >> 16) & 255}.{(value >> 8) & 255}.{value & 255}");
}
