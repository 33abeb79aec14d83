using System.Net;
using System.Net.Sockets;
using Axolotl.Cel.Values;

namespace Axolotl.Cel.Library;

/// <summary>
/// Kubernetes' IP and CIDR libraries. Like kube-apiserver they refuse IPv4-mapped IPv6 addresses and zones, and a
/// CIDR must be written in canonical prefix form (no leading zeros).
/// </summary>
internal static class NetworkFunctions
{
    public static void Register(Dictionary<string, CelFunction> g, Dictionary<string, CelFunction> m)
    {
        g["ip"] = (a, _) => a is [string s] ? (object?)ParseIp(s) ?? new CelError($"IP Address '{s}' parse error during conversion from string") : CelError.NoSuchOverload("ip");
        g["isIP"] = (a, _) => a is [string s] ? ParseIp(s) is not null : CelError.NoSuchOverload("isIP");
        g["cidr"] = (a, _) => a is [string s] ? (object?)ParseCidr(s) ?? new CelError($"network address parse error during conversion from string: {s}") : CelError.NoSuchOverload("cidr");
        g["isCIDR"] = (a, _) => a is [string s] ? ParseCidr(s) is not null : CelError.NoSuchOverload("isCIDR");
        g["ip.isCanonical"] = (a, _) => a is [string s] ? ParseIp(s) is { } ip ? ip.ToString() == s : new CelError($"IP Address '{s}' parse error") : CelError.NoSuchOverload("ip.isCanonical");
        IpGetter(m, "family", ip => ip.AddressFamily == AddressFamily.InterNetwork ? 4L : 6L);
        IpGetter(m, "isUnspecified", ip => ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any));
        IpGetter(m, "isLoopback", ip => IPAddress.IsLoopback(ip));
        IpGetter(m, "isLinkLocalMulticast", ip => ip.AddressFamily == AddressFamily.InterNetwork ? In(ip, "224.0.0.0/24") : In(ip, "ff02::/16"));
        IpGetter(m, "isLinkLocalUnicast", ip => ip.AddressFamily == AddressFamily.InterNetwork ? In(ip, "169.254.0.0/16") : ip.IsIPv6LinkLocal);
        IpGetter(m, "isGlobalUnicast", ip => IsGlobalUnicast(ip));
        m["containsIP"] = (a, _) => a switch
        {
            [CelCidr n, IPAddress ip] => n.Network.Contains(ip),
            [CelCidr n, string s] => ParseIp(s) is { } ip ? n.Network.Contains(ip) : new CelError($"IP Address '{s}' parse error"),
            _ => CelError.NoSuchOverload("containsIP"),
        };
        m["containsCIDR"] = (a, _) => a switch
        {
            [CelCidr n, CelCidr o] => Contains(n, o),
            [CelCidr n, string s] => ParseCidr(s) is CelCidr o ? Contains(n, o) : new CelError($"network address parse error: {s}"),
            _ => CelError.NoSuchOverload("containsCIDR"),
        };
        m["prefixLength"] = (a, _) => a is [CelCidr n] ? (long)n.PrefixLength : CelError.NoSuchOverload("prefixLength");
        m["masked"] = (a, _) => a is [CelCidr n] ? n with { Address = n.Network.BaseAddress } : CelError.NoSuchOverload("masked");
        m["ip"] = (a, _) => a is [CelCidr n] ? n.Address : CelError.NoSuchOverload("ip");
    }

    private static void IpGetter(Dictionary<string, CelFunction> m, string name, Func<IPAddress, object> f) =>
        m[name] = (a, _) => a is [IPAddress ip] ? f(ip) : CelError.NoSuchOverload(name);

    private static bool In(IPAddress ip, string cidr) => IPNetwork.Parse(cidr).Contains(ip);

    private static bool Contains(CelCidr outer, CelCidr inner) =>
        inner.PrefixLength >= outer.PrefixLength && inner.Address.AddressFamily == outer.Address.AddressFamily && outer.Network.Contains(inner.Network.BaseAddress);

    private static bool IsGlobalUnicast(IPAddress ip) =>
        !IPAddress.IsLoopback(ip) && !ip.Equals(IPAddress.Any) && !ip.Equals(IPAddress.IPv6Any) && !ip.Equals(IPAddress.Broadcast)
        && !(ip.AddressFamily == AddressFamily.InterNetwork ? In(ip, "224.0.0.0/4") || In(ip, "169.254.0.0/16") : ip.IsIPv6Multicast || ip.IsIPv6LinkLocal);

    internal static IPAddress? ParseIp(string s) =>
        !s.Contains('%', StringComparison.Ordinal) && IPAddress.TryParse(s, out var ip) && !ip.IsIPv4MappedToIPv6
        && (ip.AddressFamily == AddressFamily.InterNetworkV6 || s.Split('.') is { Length: 4 } parts && parts.All(p => p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit) && (p.Length == 1 || p[0] != '0')))
            ? ip
            : null;

    internal static object? ParseCidr(string s)
    {
        var slash = s.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || ParseIp(s[..slash]) is not { } ip
            || !int.TryParse(s[(slash + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var bits)
            || (s.Length - slash > 2 && s[slash + 1] == '0'))
        {
            return null;
        }

        return bits > (ip.AddressFamily == AddressFamily.InterNetwork ? 32 : 128) ? null : new CelCidr(ip, bits);
    }
}
