using System.Net;
using System.Net.Sockets;

namespace Axolotl.ApiServer.Proxy;

/// <summary>Where one proxied request goes: a pod address and port, by http or https.</summary>
public sealed record ProxyAddress(string Scheme, IPAddress Address, int Port)
{
    public string HostPort => Address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{Address}]:{Port}" : $"{Address}:{Port}";

    /// <summary>
    /// Go's IsGlobalUnicast, which upstream requires of a proxy target: never loopback, link-local,
    /// multicast, unspecified or broadcast, so the API server cannot be made to call itself, the
    /// node's local services or a cloud metadata endpoint through a pod whose status was forged.
    /// </summary>
    public static bool IsAllowed(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) ||
            address.Equals(IPAddress.Broadcast) || address.Equals(IPAddress.None))
        {
            return false;
        }
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            // 169.254/16 link-local, 224/4 multicast, 0/8 "this network".
            return !(b[0] == 169 && b[1] == 254) && b[0] < 224 && b[0] != 0;
        }
        return address.AddressFamily == AddressFamily.InterNetworkV6 &&
            !address.IsIPv6LinkLocal && !address.IsIPv6Multicast;
    }
}
