using System.Net.WebSockets;

namespace Axolotl.ApiServer.NodeProxy;

/// <summary>
/// Copies WebSocket messages both ways between kubectl and an agent, keeping message types and
/// boundaries, and forwards a close from either side to the other. A broken side aborts both.
/// </summary>
public static class WebSocketPump
{
    private static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(10);

    public static async Task RunAsync(WebSocket a, WebSocket b, TimeProvider time, CancellationToken ct)
    {
        using var session = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var ab = CopyAsync(a, b, session.Token);
        var ba = CopyAsync(b, a, session.Token);
        var first = await Task.WhenAny(ab, ba);
        if (!await first)
        {
            await session.CancelAsync();
        }
        else
        {
            // One side closed cleanly; the other has a moment to finish what it is sending and close too.
            using var wait = new CancellationTokenSource(CloseWait, time);
            await using var cancel = wait.Token.Register(session.Cancel);
            await Task.WhenAll(ab, ba);
        }
        await Task.WhenAll(ab, ba);
        foreach (var socket in new[] { a, b })
        {
            if (socket.State is not WebSocketState.Closed)
            {
                socket.Abort();
            }
        }
    }

    /// <summary>Returns true when the source closed cleanly (and the close was passed on), false when it broke.</summary>
    private static async Task<bool> CopyAsync(WebSocket from, WebSocket to, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var result = await from.ReceiveAsync(buffer, ct);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (to.State is WebSocketState.Open or WebSocketState.CloseReceived)
                    {
                        await to.CloseOutputAsync(from.CloseStatus ?? WebSocketCloseStatus.NormalClosure, from.CloseStatusDescription, ct);
                    }
                    return true;
                }
                await to.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, ct);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            return false;
        }
    }
}
