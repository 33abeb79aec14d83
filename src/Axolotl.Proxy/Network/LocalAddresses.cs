using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Axolotl.Proxy.Network;

/// <summary>
/// The host's IPv4 addresses, re-read at most every <see cref="MaxAge"/>: enumerating links is costly
/// with many pod veths, and the answer (is a load balancer IP ours?) rarely changes.
/// </summary>
internal sealed class LocalAddresses(TimeProvider time)
{
    private HashSet<IPAddress> _addresses = [];
    private long _readAt;
    private bool _read;

    public TimeSpan MaxAge { get; init; } = TimeSpan.FromSeconds(5);

    public bool Contains(IPAddress address)
    {
        if (IPAddress.IsLoopback(address))
        {
            return true;
        }
        if (!_read || time.GetElapsedTime(_readAt) > MaxAge)
        {
            _addresses = Read() ?? _addresses;
            _readAt = time.GetTimestamp();
            _read = true;
        }
        return _addresses.Contains(address);
    }

    /// <summary>Null when the enumeration failed, which happens when links vanish during it (pod veths).</summary>
    private static HashSet<IPAddress>? Read()
    {
        try
        {
            return NetworkInterface.GetAllNetworkInterfaces()
                .SelectMany(n => n.GetIPProperties().UnicastAddresses)
                .Select(a => a.Address)
                .Where(a => a.AddressFamily == AddressFamily.InterNetwork)
                .ToHashSet();
        }
        catch (Exception e) when (e is NetworkInformationException or ArgumentException or IOException)
        {
            return null;
        }
    }
}
