using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.PortForward.Spdy;

namespace Axolotl.ApiServer.PortForward;

/// <summary>
/// kubectl's side of one port-forward session: every local connection arrives as a pair of SPDY
/// streams with the same requestid (streamtype error, then data) and a port header. Each stream is
/// accepted at once (kubectl waits for the SYN_REPLY); when a pair is complete, one agent WebSocket
/// carries its bytes. The error stream stays empty unless the connection failed, and is closed
/// after the data stream, so kubectl reports "an error occurred forwarding L -> P: …" for that
/// connection only and keeps listening.
/// </summary>
public sealed class PortForwardSession(SpdySession spdy, Func<CancellationToken, Task<PortForwardTarget>> resolveTarget, Func<PortForwardTarget, Uri, CancellationToken, Task<WebSocket>> connectAgent)
{
    private const int BufferSize = 32 * 1024;
    private readonly Dictionary<string, (SpdyStream? Error, SpdyStream? Data)> _pending = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Pass to <see cref="SpdySession.RunAsync"/>.</summary>
    public async Task OnStreamAsync(SpdyStream stream)
    {
        var ct = spdy.Closed;
        try
        {
            await stream.SendReplyAsync(ct);
            var type = stream.Header("streamtype");
            // kubectl before 1.x did not send requestid; its streams then pair by their ids (error = data - 2).
            var request = stream.Header("requestid") ?? (type == "data" ? (stream.Id - 2) : stream.Id).ToString(CultureInfo.InvariantCulture);
            if (type is not ("error" or "data"))
            {
                await stream.ResetAsync(SpdyRstStatus.ProtocolError, ct);
                return;
            }
            (SpdyStream? Error, SpdyStream? Data) pair;
            lock (_lock)
            {
                _pending.TryGetValue(request, out pair);
                pair = type == "error" ? (stream, pair.Data) : (pair.Error, stream);
                if (pair.Error is null || pair.Data is null)
                {
                    _pending[request] = pair;
                    return;
                }
                _pending.Remove(request);
            }
            await ForwardAsync(pair.Error, pair.Data, ct);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or WebSocketException or ObjectDisposedException)
        {
            // The session ended.
        }
    }

    private async Task ForwardAsync(SpdyStream error, SpdyStream data, CancellationToken ct)
    {
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(ct, data.Aborted);
        var portHeader = data.Header("port");
        string? failure = null;
        try
        {
            if (!int.TryParse(portHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                failure = $"invalid port \"{portHeader}\"";
                return;
            }
            WebSocket agent;
            try
            {
                var target = await resolveTarget(connection.Token);
                agent = await connectAgent(target, target.AgentUrl(port), connection.Token);
            }
            catch (ApiException e)
            {
                failure = $"error forwarding port {port}: {e.Status.Message}";
                return;
            }
            catch (Exception e) when (e is WebSocketException or HttpRequestException)
            {
                failure = $"error forwarding port {port}: error dialing backend: {(e.InnerException ?? e).Message}";
                return;
            }
            using (agent)
            {
                failure = await PumpAsync(agent, data, connection);
            }
        }
        finally
        {
            await FinishAsync(error, data, failure, ct);
        }
    }

    /// <summary>Copies until the agent closes (the pod side ended); returns the agent's error text, if any.</summary>
    private static async Task<string?> PumpAsync(WebSocket agent, SpdyStream data, CancellationTokenSource connection)
    {
        using var stopUpstream = CancellationTokenSource.CreateLinkedTokenSource(connection.Token);
        var upstream = CopyToAgentAsync(data, agent, stopUpstream.Token, connection.Token);
        var failure = new StringBuilder();
        var buffer = new byte[BufferSize + 1];
        try
        {
            while (true)
            {
                var offset = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await agent.ReceiveAsync(buffer.AsMemory(offset), connection.Token);
                    offset += result.Count;
                }
                while (!result.EndOfMessage && offset < buffer.Length);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
                if (offset == 0)
                {
                    continue;
                }
                if (buffer[0] == 0)
                {
                    await data.WriteAsync(buffer.AsMemory(1, offset - 1), connection.Token);
                }
                else if (buffer[0] == 1)
                {
                    failure.Append(Encoding.UTF8.GetString(buffer, 1, offset - 1));
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException)
        {
            // kubectl reset the stream, or the agent connection broke: either way this connection is over.
        }
        await stopUpstream.CancelAsync();
        await upstream;
        if (agent.State == WebSocketState.CloseReceived)
        {
            try
            {
                // Complete the close handshake: the agent waits for it before letting go of the connection.
                await agent.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, connection.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException)
            {
            }
        }
        return failure.Length > 0 ? failure.ToString() : null;
    }

    /// <summary>Reading stops on <paramref name="stop"/>; sends use <paramref name="ct"/>, since a cancelled send aborts the WebSocket.</summary>
    private static async Task CopyToAgentAsync(SpdyStream data, WebSocket agent, CancellationToken stop, CancellationToken ct)
    {
        var buffer = new byte[BufferSize + 1];
        try
        {
            int read;
            while ((read = await data.ReadAsync(buffer.AsMemory(1), stop)) > 0)
            {
                buffer[0] = 0;
                await agent.SendAsync(buffer.AsMemory(0, read + 1), WebSocketMessageType.Binary, true, ct);
            }
            if (!data.Aborted.IsCancellationRequested && !stop.IsCancellationRequested)
            {
                await agent.SendAsync(new byte[] { 2 }, WebSocketMessageType.Binary, true, ct);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException)
        {
        }
    }

    private static async Task FinishAsync(SpdyStream error, SpdyStream data, string? failure, CancellationToken ct)
    {
        try
        {
            await data.CloseWriteAsync(ct);
            if (failure is not null)
            {
                await error.WriteAsync(Encoding.UTF8.GetBytes(failure), ct);
            }
            await error.CloseWriteAsync(ct);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or WebSocketException or ObjectDisposedException)
        {
        }
        finally
        {
            data.Release();
            error.Release();
        }
    }
}
