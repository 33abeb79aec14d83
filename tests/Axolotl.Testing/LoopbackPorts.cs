using System.Net;
using System.Net.Sockets;

namespace Axolotl.Testing;

public static class LoopbackPorts
{
    /// <summary>
    /// A TCP port free on every address a moment ago (bound for its number, then released): for a listener to come,
    /// or one nothing listens on. Probed on 0.0.0.0, not 127.0.0.1: a server of another test bound to 127.0.0.8:P
    /// leaves 127.0.0.1:P free but makes a later bind of 0.0.0.0:P (what an axolotl server does) fail.
    /// </summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
