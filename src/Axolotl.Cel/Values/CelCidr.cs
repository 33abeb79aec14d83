using System.Net;

namespace Axolotl.Cel.Values;

/// <summary>
/// A CIDR of Kubernetes' CIDR library. The address keeps its host bits as written (Go's netip.Prefix), so
/// <c>cidr('10.0.0.1/8').ip()</c> is 10.0.0.1 while <c>masked()</c> clears them.
/// </summary>
public sealed record CelCidr(IPAddress Address, int PrefixLength)
{
    public IPNetwork Network => new(Mask(Address, PrefixLength), PrefixLength);

    public override string ToString() => $"{Address}/{PrefixLength}";

    internal static IPAddress Mask(IPAddress ip, int bits)
    {
        var bytes = ip.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(bits - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }

        return new IPAddress(bytes);
    }
}
