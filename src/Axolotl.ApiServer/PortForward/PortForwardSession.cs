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
                failure = await AgentPump.RunAsync(agent, new SpdyConnection(data), connection);
            }
        }
        finally
        {
            await FinishAsync(error, data, failure, ct);
        }
    }

    private sealed class SpdyConnection(SpdyStream data) : IForwardedConnection
    {
        public bool Aborted => data.Aborted.IsCancellationRequested;

        public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct) => data.ReadAsync(buffer, ct);

        public async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct) => await data.WriteAsync(bytes, ct);
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
