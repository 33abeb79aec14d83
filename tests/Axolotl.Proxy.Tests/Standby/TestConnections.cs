using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Axolotl.Proxy.Tests.Standby;

/// <summary>The kernel tests' two ends of a connection: a listener that says who answered and whom it saw, and a client that reads it.</summary>
internal static class TestConnections
{
    /// <summary>One connection: connect, read to the end.</summary>
    public static async Task<string> AskAsync(IPEndPoint frontend)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(frontend, timeout.Token);
        return await ReadToEndAsync(client);
    }

    /// <summary>Reads what the peer sends until it closes (at most 256 bytes, 10 s).</summary>
    public static async Task<string> ReadToEndAsync(Socket client)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[256];
        var total = 0;
        int read;
        while ((read = await client.ReceiveAsync(buffer.AsMemory(total), SocketFlags.None, timeout.Token)) > 0)
        {
            total += read;
        }
        return Encoding.ASCII.GetString(buffer, 0, total);
    }

    /// <summary>Accepts until cancelled (or the socket closes) and answers each connection with who answered and the peer it saw.</summary>
    public static async Task AnswerAsync(Socket listener, string who, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                using var accepted = await listener.AcceptAsync(ct);
                var peer = ((IPEndPoint)accepted.RemoteEndPoint!).Address;
                await accepted.SendAsync(Encoding.ASCII.GetBytes($"{who} for {peer}"), SocketFlags.None, ct);
                accepted.Shutdown(SocketShutdown.Both);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }
}
