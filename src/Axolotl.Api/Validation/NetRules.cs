using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Axolotl.Api.Validation;

/// <summary>
/// IP and CIDR checks with Go's parsing rules: IPv4 must be four dotted decimals (leading zeros
/// accepted, as upstream's "sloppy" parser does), IPv6 the usual colon form without a zone.
/// .NET's own parser is looser (it accepts "1" or hex parts), hence this.
/// </summary>
public static class NetRules
{
    public static bool IsIPv4(string value)
    {
        var parts = value.Split('.');
        return parts.Length == 4 && parts.All(p => p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit) &&
                                                   int.Parse(p, CultureInfo.InvariantCulture) <= 255);
    }

    public static bool IsIPv6(string value) =>
        value.Contains(':', StringComparison.Ordinal) && !value.Contains('%', StringComparison.Ordinal) &&
        IPAddress.TryParse(value, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6 &&
        !IsIPv4Mapped(value);

    public static bool IsIp(string value) => IsIPv4(value) || IsIPv6(value) || IsIPv4Mapped(value);

    public static bool IsCidr(string value)
    {
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || !int.TryParse(value.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var bits))
        {
            return false;
        }
        var address = value[..slash];
        return (IsIPv4(address) && bits <= 32) || ((IsIPv6(address) || IsIPv4Mapped(address)) && bits <= 128);
    }

    /// <summary>Whether two CIDRs (either family; host bits ignored, as Go's ParseCIDR) share an address; false when either does not parse.</summary>
    public static bool CidrsOverlap(string a, string b)
    {
        if (CidrBits(a) is not var (aBytes, aPrefix) || CidrBits(b) is not var (bBytes, bPrefix) || aBytes.Length != bBytes.Length)
        {
            return false;
        }
        // Two ranges overlap exactly when they agree on the bits of the shorter prefix.
        var bits = Math.Min(aPrefix, bPrefix);
        for (var i = 0; i < bits; i++)
        {
            var mask = 0x80 >> (i % 8);
            if ((aBytes[i / 8] & mask) != (bBytes[i / 8] & mask))
            {
                return false;
            }
        }
        return true;
    }

    private static (byte[] Bytes, int Prefix)? CidrBits(string cidr)
    {
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !IPAddress.TryParse(cidr[..slash], out var address) ||
            !int.TryParse(cidr[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix))
        {
            return null;
        }
        var bytes = address.GetAddressBytes();
        return prefix <= bytes.Length * 8 ? (bytes, prefix) : null;
    }

    public static List<FieldError> ValidIp(string value, FieldPath path) =>
        IsIp(value) ? [] : [FieldError.Invalid(path, value, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)")];

    public static List<FieldError> ValidCidr(string value, FieldPath path) =>
        IsCidr(value) ? [] : [FieldError.Invalid(path, value, "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)")];

    /// <summary>
    /// Upstream's ValidateNonSpecialIP, for endpoint addresses: a Service must not lead to the node's
    /// own loopback, the link-local range (cloud metadata services) or link-local multicast.
    /// </summary>
    public static List<FieldError> NonSpecialIp(string value, FieldPath path)
    {
        if (Parse(value) is not { } address)
        {
            return [FieldError.Invalid(path, value, "must be a valid IP address")];
        }
        return SpecialRange(address) is { } problem ? [FieldError.Invalid(path, value, problem)] : [];
    }

    /// <summary>Why <paramref name="address"/> may not be an endpoint, or null when it may.</summary>
    public static string? SpecialRange(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        var bytes = address.GetAddressBytes();
        var v4 = address.AddressFamily == AddressFamily.InterNetwork;
        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            return $"may not be unspecified ({address})";
        }
        if (IPAddress.IsLoopback(address))
        {
            return "may not be in the loopback range (127.0.0.0/8, ::1/128)";
        }
        if ((v4 && bytes[0] == 169 && bytes[1] == 254) || (!v4 && address.IsIPv6LinkLocal))
        {
            return "may not be in the link-local range (169.254.0.0/16, fe80::/10)";
        }
        if ((v4 && bytes[0] == 224 && bytes[1] == 0 && bytes[2] == 0) || (!v4 && bytes[0] == 0xff && (bytes[1] & 0x0f) == 0x02))
        {
            return "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)";
        }
        return null;
    }

    /// <summary>Parses with Go's rules (decimal dotted IPv4 even with leading zeros); null when not an address.</summary>
    public static IPAddress? Parse(string value)
    {
        if (IsIPv4(value))
        {
            return new IPAddress([.. value.Split('.').Select(p => byte.Parse(p, CultureInfo.InvariantCulture))]);
        }
        if (IsIPv4Mapped(value))
        {
            return Parse(value[7..]);
        }
        return IsIPv6(value) ? IPAddress.Parse(value) : null;
    }

    // "::ffff:1.2.3.4" is an IPv4 address to Go.
    private static bool IsIPv4Mapped(string value) =>
        value.StartsWith("::ffff:", StringComparison.OrdinalIgnoreCase) && IsIPv4(value[7..]);
}
