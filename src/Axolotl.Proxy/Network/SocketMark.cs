using System.Net.Sockets;
using Axolotl.Proxy.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Axolotl.Proxy.Network;

/// <summary>Linux's SO_MARK: the mark every packet of the socket carries through the node's netfilter hooks (needs CAP_NET_ADMIN).</summary>
internal static class SocketMark
{
    private const int SolSocket = 1;
    private const int SoMark = 36;

    public static void Set(Socket socket, int mark) => socket.SetRawSocketOption(SolSocket, SoMark, BitConverter.GetBytes(mark));

    /// <summary>
    /// Marks a relay socket; a refusal (no CAP_NET_ADMIN) is said once per <paramref name="refused"/> flag and the socket
    /// goes unmarked, so its packets leave from the node.
    /// </summary>
    public static void TrySet(Socket socket, int mark, ref int refused, ILogger logger)
    {
        try
        {
            Set(socket, mark);
        }
        catch (SocketException e)
        {
            if (Interlocked.Exchange(ref refused, 1) == 0)
            {
                ProxyLog.MarkRefused(logger, e.SocketErrorCode.ToString());
            }
        }
    }
}
