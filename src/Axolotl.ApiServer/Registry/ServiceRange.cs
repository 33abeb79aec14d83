using Axolotl.Api.Net;

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
        if (!Ipv4Cidr.TryParse(cidr, out var range))
        {
            throw new ArgumentException($"invalid service CIDR \"{cidr}\": want an IPv4 a.b.c.d/n");
        }
        if (range.Prefix is < 12 or > 30)
        {
            throw new ArgumentException($"invalid service CIDR \"{cidr}\": the prefix must be between /12 and /30");
        }
        return (range.Network, range.Prefix);
    }
}
