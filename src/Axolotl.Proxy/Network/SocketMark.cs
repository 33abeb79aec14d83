using System.Net.Sockets;

namespace Axolotl.Proxy.Network;

/// <summary>Linux's SO_MARK: the mark every packet of the socket carries through the node's netfilter hooks (needs CAP_NET_ADMIN).</summary>
internal static class SocketMark
{
    private const int SolSocket = 1;
    private const int SoMark = 36;

    public static void Set(Socket socket, int mark) => socket.SetRawSocketOption(SolSocket, SoMark, BitConverter.GetBytes(mark));
}
