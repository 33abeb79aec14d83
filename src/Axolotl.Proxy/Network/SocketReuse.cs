using System.Net.Sockets;

namespace Axolotl.Proxy.Network;

/// <summary>
/// Linux's SO_REUSEADDR and SO_REUSEPORT, set one at a time: .NET's <see cref="SocketOptionName.ReuseAddress"/> sets both
/// on Unix, and a UDP socket must never take SO_REUSEADDR (it would share a port with any socket that set it).
/// </summary>
internal static class SocketReuse
{
    private const int SolSocket = 1;
    private const int SoReuseAddr = 2;
    private const int SoReusePort = 15;

    /// <summary>Binding succeeds although a TIME_WAIT connection of an earlier listener holds the port.</summary>
    public static void Address(Socket socket) => socket.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(1));

    /// <summary>Sockets of this user may bind the same address and port; the kernel spreads traffic over them.</summary>
    public static void Port(Socket socket) => socket.SetRawSocketOption(SolSocket, SoReusePort, BitConverter.GetBytes(1));
}
