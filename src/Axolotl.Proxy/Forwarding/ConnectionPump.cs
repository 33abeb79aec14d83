using System.Buffers;
using System.Net.Sockets;

namespace Axolotl.Proxy.Forwarding;

/// <summary>
/// Copies bytes both ways between two connected sockets until both directions have ended. Each
/// direction first waits for data with a zero-byte receive, so an idle connection holds no buffer;
/// a pooled buffer is taken only while bytes are in flight. End of stream is passed on as a
/// half-close (FIN); an error on either side resets both, so the peer sees what the backend did.
/// </summary>
internal static class ConnectionPump
{
    public static Task RunAsync(Socket client, Socket backend, int bufferSize) => RunAsync(client, backend, bufferSize, pending: null, clientEnded: false);

    /// <summary>
    /// As above, after a start that already read from the client: <paramref name="pending"/> is a client
    /// receive still in flight (its bytes go to the backend first), <paramref name="clientEnded"/> that
    /// the client's FIN has already been passed on.
    /// </summary>
    public static async Task RunAsync(Socket client, Socket backend, int bufferSize, (Task<int> Read, byte[] Buffer)? pending, bool clientEnded)
    {
        var up = clientEnded ? Task.FromResult(true) : CopyAsync(client, backend, bufferSize, pending);
        var down = CopyAsync(backend, client, bufferSize);
        var first = await Task.WhenAny(up, down);
        if (!await first)
        {
            Abort(client);
            Abort(backend);
        }
        await Task.WhenAll(up, down);
    }

    /// <summary>Closes with RST (linger 0) rather than FIN: the peer learns at once that the connection failed.</summary>
    public static void Abort(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }
        socket.Dispose();
    }

    /// <summary>True when the source ended cleanly (FIN), false on an error or abort.</summary>
    private static async Task<bool> CopyAsync(Socket from, Socket to, int bufferSize, (Task<int> Read, byte[] Buffer)? pending = null)
    {
        try
        {
            if (pending is { } first)
            {
                var (read, buffer) = first;
                try
                {
                    var count = await read;
                    if (count == 0)
                    {
                        to.Shutdown(SocketShutdown.Send);
                        return true;
                    }
                    await SendAllAsync(to, buffer.AsMemory(0, count));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
            while (true)
            {
                await from.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None);
                var buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
                try
                {
                    var read = await from.ReceiveAsync(buffer.AsMemory(0, bufferSize), SocketFlags.None);
                    if (read == 0)
                    {
                        to.Shutdown(SocketShutdown.Send);
                        return true;
                    }
                    await SendAllAsync(to, buffer.AsMemory(0, read));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            return false;
        }
    }

    private static async Task SendAllAsync(Socket to, ReadOnlyMemory<byte> bytes)
    {
        var sent = 0;
        while (sent < bytes.Length)
        {
            sent += await to.SendAsync(bytes[sent..], SocketFlags.None);
        }
    }
}
