using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Axolotl.ApiServer.ControlPlane;

/// <summary>
/// The address the API server publishes as the <c>kubernetes</c> Service's endpoint (kube-apiserver's
/// --advertise-address): the one given; else the bind address when it is a specific one; else, when
/// bound to every address, the address of the interface with the default route (upstream's
/// ChooseHostInterface). Bound to loopback only, pods cannot reach the server: null, no endpoints.
/// </summary>
public static class AdvertiseAddress
{
    public static IPAddress? Choose(IPAddress bind, IPAddress? given, string routeTable = "/proc/net/route")
    {
        if (given is not null)
        {
            return given;
        }
        if (IPAddress.IsLoopback(bind))
        {
            return null;
        }
        if (!bind.Equals(IPAddress.Any) && !bind.Equals(IPAddress.IPv6Any))
        {
            return bind;
        }
        return DefaultRouteInterface(routeTable) is { } name ? InterfaceAddress(name) : null;
    }

    /// <summary>
    /// An address and port this server's own listener answers on: the bind address when specific; when
    /// bound to every address, the advertised one if it is this host's own (not a load balancer's or a
    /// NAT's, where a refused connection would say nothing about this process), else loopback.
    /// </summary>
    public static IPEndPoint Listened(IPAddress bind, IPAddress? advertised, int port)
    {
        if (!bind.Equals(IPAddress.Any) && !bind.Equals(IPAddress.IPv6Any))
        {
            return new IPEndPoint(bind, port);
        }
        var local = advertised is not null && Security.ServingNames.InterfaceAddresses().Any(a => a.Address.Equals(advertised));
        return new IPEndPoint(local ? advertised! : IPAddress.Loopback, port);
    }

    /// <summary>The interface of the IPv4 default route in /proc/net/route (destination and mask 0), lowest metric first.</summary>
    internal static string? DefaultRouteInterface(string routeTable)
    {
        if (!File.Exists(routeTable))
        {
            return null;
        }
        return File.ReadLines(routeTable)
            .Skip(1)
            .Select(line => line.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 8 && f[1] == "00000000" && f[7] == "00000000")
            .OrderBy(f => int.TryParse(f[6], NumberStyles.Integer, CultureInfo.InvariantCulture, out var metric) ? metric : int.MaxValue)
            .Select(f => f[0])
            .FirstOrDefault();
    }

    private static IPAddress? InterfaceAddress(string name) =>
        Security.ServingNames.InterfaceAddresses()
            .Where(a => a.Interface == name)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
}
