using System.Net;
using System.Net.NetworkInformation;

namespace Axolotl.Hosting.Network;

/// <summary>One network interface of the host as read at one moment.</summary>
public sealed record HostInterface(string Name, bool IsUp, bool IsLoopback, IReadOnlyList<IPAddress> Addresses);

/// <summary>
/// The host's interfaces and their unicast addresses. .NET's enumeration throws ArgumentException ("An
/// invalid IP address was specified") when an interface vanishes while it reads (dotnet/runtime#49515),
/// and pod veths come and go all the time (tests run several nodes at once): a failed read is simply read
/// again, a few times at most, since a fresh read is consistent.
/// </summary>
public static class HostInterfaces
{
    private const int Attempts = 5;

    public static IReadOnlyList<HostInterface> Read()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // Everything is read inside the try: the properties too are read from the kernel lazily.
                return [.. NetworkInterface.GetAllNetworkInterfaces().Select(n => new HostInterface(
                    n.Name,
                    n.OperationalStatus == OperationalStatus.Up,
                    n.NetworkInterfaceType == NetworkInterfaceType.Loopback,
                    [.. n.GetIPProperties().UnicastAddresses.Select(u => u.Address)]))];
            }
            catch (Exception e) when (attempt < Attempts && e is ArgumentException or NetworkInformationException or IOException)
            {
            }
        }
    }

    /// <summary>Every (interface name, address) pair of <see cref="Read"/>.</summary>
    public static IReadOnlyList<(string Interface, IPAddress Address)> Addresses() =>
        [.. Read().SelectMany(i => i.Addresses.Select(a => (i.Name, a)))];
}
