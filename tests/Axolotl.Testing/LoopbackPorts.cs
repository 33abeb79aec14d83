using System.Net;
using System.Net.Sockets;

namespace Axolotl.Testing;

public static class LoopbackPorts
{
    /// <summary>A TCP port free on 127.0.0.1 a moment ago (bound for its number, then released): for a listener to come, or one nothing listens on.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
