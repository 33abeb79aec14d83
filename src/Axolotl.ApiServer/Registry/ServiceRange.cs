using System.Net;

namespace Axolotl.ApiServer.Registry;

/// <summary>
/// The Service cluster-IP range as numbers (upstream keeps its allocators in the registry too): read by
/// the allocator and by the serving certificate, whose names include the kubernetes Service's address.
/// </summary>
public static class ServiceRange
{
    /// <summary>Parses an IPv4 CIDR for a service range; throws ArgumentException with a user-facing message.</summary>
    public static (uint Network, int Prefix) Parse(string cidr)
    {
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !IPAddress.TryParse(cidr[..slash], out var address) || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork
            || !int.TryParse(cidr[(slash + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var prefix))
        {
            throw new ArgumentException($"invalid service CIDR \"{cidr}\": want an IPv4 a.b.c.d/n");
        }
        if (prefix is < 12 or > 30)
        {
            throw new ArgumentException($"invalid service CIDR \"{cidr}\": the prefix must be between /12 and /30");
        }
        var mask = uint.MaxValue << (32 - prefix);
        return (ToUInt(address) & mask, prefix);
    }

    public static uint ToUInt(IPAddress address)
    {
        var b = address.GetAddressBytes();
        return ((uint)b[0] << 24) | ((uint)b[1] << 16) | ((uint)b[2] << 8) | b[3];
    }
}
