using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Axolotl.Proxy.Tests;

/// <summary>A test client of the proxy: line-oriented reads with a deadline, so no test can hang.</summary>
public sealed class ProxyClient : IDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly List<byte> _pending = [];

    private ProxyClient(Socket socket)
    {
        Socket = socket;
    }

    public Socket Socket { get; }

    public static async Task<ProxyClient> ConnectAsync(IPEndPoint endPoint)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var deadline = new CancellationTokenSource(Deadline);
        await socket.ConnectAsync(endPoint, deadline.Token);
        return new ProxyClient(socket);
    }

    /// <summary>The next line, or null when the proxy closed or reset the connection.</summary>
    public async Task<string?> ReadLineAsync()
    {
        using var deadline = new CancellationTokenSource(Deadline);
        var buffer = new byte[1024];
        while (true)
        {
            var newline = _pending.IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var line = Encoding.ASCII.GetString([.. _pending.Take(newline)]);
                _pending.RemoveRange(0, newline + 1);
                return line;
            }
            int read;
            try
            {
                read = await Socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
            }
            catch (SocketException)
            {
                return null;
            }
            if (read == 0)
            {
                return null;
            }
            _pending.AddRange(buffer.AsSpan(0, read).ToArray());
        }
    }

    public async Task SendLineAsync(string line) => await Socket.SendAsync(Encoding.ASCII.GetBytes(line + "\n"));

    /// <summary>Connects and reads the backend's greeting: its name, or null when the proxy refused.</summary>
    public static async Task<string?> GreetingAsync(IPEndPoint endPoint)
    {
        ProxyClient client;
        try
        {
            client = await ConnectAsync(endPoint);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionRefused)
        {
            // The reset can overtake the handshake's completion: the client then sees it at connect.
            return null;
        }
        using (client)
        {
            return await client.ReadLineAsync();
        }
    }

    public void Dispose() => Socket.Dispose();
}
