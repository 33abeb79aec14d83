using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Axolotl.Proxy.Tests;

/// <summary>
/// A backend on 127.0.0.1: greets each connection with its name and a newline, echoes what it
/// receives, and on the client's end of stream says "bye" and closes.
/// </summary>
public sealed class LoopbackBackend : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _accepted;

    /// <param name="address">Where to listen instead of 127.0.0.1 (a <see cref="PodAddressLink"/> for backends behind a Service).</param>
    public LoopbackBackend(string name, IPAddress? address = null)
    {
        Name = name;
        _listener = new TcpListener(address ?? IPAddress.Loopback, 0);
        _listener.Start(4096);
        _loop = Task.Run(AcceptAsync);
    }

    public string Name { get; }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>An endpoint where nothing listens: connects are refused.</summary>
    public static IPEndPoint Refusing()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return (IPEndPoint)listener.LocalEndpoint;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            Interlocked.Increment(ref _accepted);
            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using (socket)
        {
            try
            {
                await socket.SendAsync(Encoding.ASCII.GetBytes(Name + "\n"));
                var buffer = new byte[4096];
                while (true)
                {
                    var read = await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                    if (read == 0)
                    {
                        await socket.SendAsync(Encoding.ASCII.GetBytes("bye\n"));
                        socket.Shutdown(SocketShutdown.Both);
                        return;
                    }
                    await socket.SendAsync(buffer.AsMemory(0, read));
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}
