using System.Buffers;
using System.Net.Sockets;

namespace Axolotl.Proxy.Forwarding;

/// <summary>How the wait for an endpoint's first byte ended.</summary>
internal enum FirstAnswerOutcome
{
    /// <summary>The endpoint sent bytes (already passed to the client), or closed cleanly with nothing to replay: pump from here.</summary>
    Answered,

    /// <summary>
    /// The endpoint closed or reset before answering, and every byte the client sent is kept (or, just
    /// after connecting, the client had sent none): try another endpoint.
    /// </summary>
    Unanswered,

    /// <summary>The endpoint reset before answering but the client's bytes were not all kept: nothing can be done.</summary>
    Lost,

    /// <summary>The client reset or vanished.</summary>
    ClientGone,
}

/// <summary>
/// The start of a proxied connection, until its endpoint sends the first byte: what the client sends
/// is passed on and also kept (up to a limit), so that an endpoint that closes or resets without
/// answering — a pod killed mid-request — can be replaced by another one that gets the same bytes.
/// kube-proxy cannot do this (the kernel forwards packets); an L4 proxy in user space can, for the
/// first exchange of a connection. Once the endpoint has answered, the bytes are the pump's business.
/// </summary>
internal static class FirstAnswer
{
    /// <summary>
    /// How long after connecting an endpoint that hangs up before either side sent a byte counts as
    /// one that died (a pod killed with the connection still in its accept queue, or accepted but not
    /// yet read). A server that closes idle connections on purpose does so much later, and then the
    /// client is told.
    /// </summary>
    public static readonly TimeSpan SilentHangupWindow = TimeSpan.FromSeconds(1);

    public static async Task<FirstAnswerOutcome> AwaitAsync(Socket client, Socket backend, ClientReader reader, ReplayBuffer kept, int bufferSize,
        TimeProvider time, long connectedAt)
    {
        if (!await ReplayAsync(backend, reader, kept))
        {
            return kept.Complete ? FirstAnswerOutcome.Unanswered : FirstAnswerOutcome.Lost;
        }
        var buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
        try
        {
            var answer = ReceiveOrFail(backend, buffer.AsMemory(0, bufferSize));
            while (true)
            {
                var fromClient = reader.Receive();
                if (fromClient is null || await Task.WhenAny(answer, fromClient) == answer)
                {
                    var read = await answer;
                    if (read > 0)
                    {
                        return await SendAsync(client, buffer.AsMemory(0, read)) ? FirstAnswerOutcome.Answered : FirstAnswerOutcome.ClientGone;
                    }
                    // Closed (0) or reset (-1) without a byte of answer.
                    if (kept.Complete && (kept.Length > 0 || !reader.Ended && time.GetElapsedTime(connectedAt) < SilentHangupWindow))
                    {
                        return FirstAnswerOutcome.Unanswered;
                    }
                    return read == 0 ? FirstAnswerOutcome.Answered : FirstAnswerOutcome.Lost;
                }
                int sent;
                try
                {
                    sent = await fromClient;
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    return FirstAnswerOutcome.ClientGone;
                }
                var bytes = reader.Take(sent);
                if (bytes.IsEmpty)
                {
                    TryShutdownSend(backend);
                    continue;
                }
                kept.Append(bytes.Span);
                // A failed send shows up as the endpoint's reset on the receive above.
                await SendAsync(backend, bytes);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Sends what earlier endpoints got (and the client's FIN, if it sent one) to a new endpoint; false if that one failed already.</summary>
    private static async Task<bool> ReplayAsync(Socket backend, ClientReader reader, ReplayBuffer kept)
    {
        if (kept.Length > 0 && !await SendAsync(backend, kept.Bytes))
        {
            return false;
        }
        if (reader.Ended)
        {
            TryShutdownSend(backend);
        }
        return true;
    }

    /// <summary>A receive that reports a reset as -1 instead of throwing.</summary>
    private static async Task<int> ReceiveOrFail(Socket socket, Memory<byte> buffer)
    {
        try
        {
            return await socket.ReceiveAsync(buffer, SocketFlags.None);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return -1;
        }
    }

    private static async Task<bool> SendAsync(Socket socket, ReadOnlyMemory<byte> bytes)
    {
        try
        {
            var sent = 0;
            while (sent < bytes.Length)
            {
                sent += await socket.SendAsync(bytes[sent..], SocketFlags.None);
            }
            return true;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    private static void TryShutdownSend(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The endpoint is gone; its receive reports that.
        }
    }
}
