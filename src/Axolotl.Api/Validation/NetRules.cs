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

    public static List<FieldError> ValidIp(string value, FieldPath path) =>
        IsIp(value) ? [] : [FieldError.Invalid(path, value, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)")];

    public static List<FieldError> ValidCidr(string value, FieldPath path) =>
        IsCidr(value) ? [] : [FieldError.Invalid(path, value, "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)")];

    // "::ffff:1.2.3.4" is an IPv4 address to Go.
    private static bool IsIPv4Mapped(string value) =>
        value.StartsWith("::ffff:", StringComparison.OrdinalIgnoreCase) && IsIPv4(value[7..]);
}
