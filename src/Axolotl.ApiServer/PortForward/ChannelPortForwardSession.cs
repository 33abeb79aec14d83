using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using Axolotl.ApiServer.Errors;

namespace Axolotl.ApiServer.PortForward;

/// <summary>
/// A port-forward in the client libraries' WebSocket protocols (<see cref="ChannelFrames"/>): one
/// WebSocket carries one connection per requested port, on channels 2·i (data) and 2·i+1 (error),
/// each announced with the port first, as the kubelet does. Every port's connection goes to the
/// agent over its own WebSocket, like kubectl's SPDY connections, so the agent's wait through a
/// container restart and the move to a replacement pod apply here too. A failed connection reports
/// on its error channel; when every port's connection has ended the WebSocket is closed.
/// </summary>
public sealed class ChannelPortForwardSession(
    WebSocket client,
    bool base64,
    IReadOnlyList<int> ports,
    Func<CancellationToken, Task<PortForwardTarget>> resolveTarget,
    Func<PortForwardTarget, Uri, CancellationToken, Task<WebSocket>> connectAgent,
    TimeProvider time)
{
    private const int MaxChunk = 32 * 1024;
    private const int MaxMessage = 1024 * 1024;
    private const int InboxMessages = 16;

    /// <summary>How long a connection may go on after the client closed the WebSocket (the pod finishing its answer).</summary>
    private static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(10);

    // Never disposed: it has no wait handle to release, and a send may still be leaving when the session ends.
    private readonly SemaphoreSlim _sendGate = new(1, 1);

    public async Task RunAsync(CancellationToken ct)
    {
        using var session = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var inboxes = ports.Select(_ => Channel.CreateBounded<byte[]>(new BoundedChannelOptions(InboxMessages) { SingleReader = true, SingleWriter = true })).ToArray();
        var reading = Task.CompletedTask;
        try
        {
            for (var i = 0; i < ports.Count; i++)
            {
                var prefix = ChannelFrames.PortPrefix(ports[i]);
                await SendAsync(DataChannel(i), prefix, session.Token);
                await SendAsync(ErrorChannel(i), prefix, session.Token);
            }
            var all = Task.WhenAll(ports.Select((port, i) => ForwardAsync(i, port, inboxes[i].Reader, session.Token)));
            reading = ReadClientAsync(inboxes, session);
            if (await Task.WhenAny(all, reading) == reading && !all.IsCompleted)
            {
                // The client closed or broke: its connections may finish what they are sending, for a while.
                using var wait = new CancellationTokenSource(CloseWait, time);
                await using (wait.Token.Register(session.Cancel))
                {
                    await all;
                }
            }
            await all;
            await CloseAsync(session.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException)
        {
            // The client went away.
        }
        finally
        {
            if (!reading.IsCompleted)
            {
                // Wait for the client's answer to our close: cancelling the receive would abort the
                // connection, and a reset can throw away the last data the client has not read yet.
                using var wait = new CancellationTokenSource(CloseWait, time);
                await using (wait.Token.Register(session.Cancel))
                {
                    await reading;
                }
            }
            await session.CancelAsync();
            await reading;
            foreach (var inbox in inboxes)
            {
                inbox.Writer.TryComplete();
            }
        }
    }

    private static byte DataChannel(int index) => (byte)(2 * index);

    private static byte ErrorChannel(int index) => (byte)((2 * index) + 1);

    /// <summary>Hands each data message to its port's connection; a close or a malformed message ends the input of all.</summary>
    private async Task ReadClientAsync(Channel<byte[]>[] inboxes, CancellationTokenSource session)
    {
        var buffer = new byte[MaxChunk];
        try
        {
            while (true)
            {
                using var message = new MemoryStream();
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await client.ReceiveAsync(buffer.AsMemory(), session.Token);
                    message.Write(buffer, 0, result.Count);
                    if (message.Length > MaxMessage)
                    {
                        await FailAsync(WebSocketCloseStatus.MessageTooBig, $"message larger than {MaxMessage} bytes", session);
                        return;
                    }
                }
                while (!result.EndOfMessage);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }
                (byte Channel, byte[] Data)? frame;
                try
                {
                    frame = ChannelFrames.Decode(message.GetBuffer().AsSpan(0, (int)message.Length), result.MessageType, base64);
                }
                catch (FormatException e)
                {
                    await FailAsync(WebSocketCloseStatus.ProtocolError, e.Message, session);
                    return;
                }
                // Only data channels carry client input; anything written to an error channel or beyond the ports means nothing.
                if (frame is { } f && f.Channel % 2 == 0 && f.Channel / 2 < inboxes.Length && f.Data.Length > 0)
                {
                    await inboxes[f.Channel / 2].Writer.WriteAsync(f.Data, session.Token);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException or ChannelClosedException)
        {
        }
        finally
        {
            foreach (var inbox in inboxes)
            {
                inbox.Writer.TryComplete();
            }
        }
    }

    private async Task ForwardAsync(int index, int port, ChannelReader<byte[]> inbox, CancellationToken ct)
    {
        string? failure;
        try
        {
            WebSocket agent;
            try
            {
                var target = await resolveTarget(ct);
                agent = await connectAgent(target, target.AgentUrl(port), ct);
            }
            catch (ApiException e)
            {
                await SendAsync(ErrorChannel(index), Encoding.UTF8.GetBytes($"error forwarding port {port}: {e.Status.Message}"), ct);
                return;
            }
            catch (Exception e) when (e is WebSocketException or HttpRequestException)
            {
                await SendAsync(ErrorChannel(index), Encoding.UTF8.GetBytes($"error forwarding port {port}: error dialing backend: {(e.InnerException ?? e).Message}"), ct);
                return;
            }
            using (agent)
            {
                using var connection = CancellationTokenSource.CreateLinkedTokenSource(ct);
                failure = await AgentPump.RunAsync(agent, new ChannelConnection(this, index, inbox), connection);
            }
            if (failure is not null)
            {
                await SendAsync(ErrorChannel(index), Encoding.UTF8.GetBytes(failure), ct);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
        {
        }
    }

    /// <summary>One message per chunk, one send at a time (a WebSocket allows one).</summary>
    private async Task SendAsync(byte channel, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        await _sendGate.WaitAsync(ct);
        try
        {
            var offset = 0;
            do
            {
                var length = Math.Min(MaxChunk, data.Length - offset);
                var (message, type) = ChannelFrames.Encode(channel, data.Span.Slice(offset, length), base64);
                await client.SendAsync(message, type, endOfMessage: true, ct);
                offset += length;
            }
            while (offset < data.Length);
        }
        finally
        {
            _sendGate.Release();
        }
    }

    private async Task CloseAsync(CancellationToken ct)
    {
        await _sendGate.WaitAsync(ct);
        try
        {
            if (client.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, ct);
            }
        }
        finally
        {
            _sendGate.Release();
        }
    }

    private async Task FailAsync(WebSocketCloseStatus status, string reason, CancellationTokenSource session)
    {
        await _sendGate.WaitAsync(session.Token);
        try
        {
            if (client.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                // A close reason is limited to 123 bytes.
                await client.CloseOutputAsync(status, reason.Length > 100 ? reason[..100] : reason, session.Token);
            }
        }
        finally
        {
            _sendGate.Release();
        }
        await session.CancelAsync();
    }

    /// <summary>One port's connection as the agent pump sees it: input from the port's inbox, output on its data channel.</summary>
    private sealed class ChannelConnection(ChannelPortForwardSession session, int index, ChannelReader<byte[]> inbox) : IForwardedConnection
    {
        private byte[]? _pending;
        private int _offset;

        public bool Aborted => false;

        public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct)
        {
            if (_pending is null)
            {
                if (!await inbox.WaitToReadAsync(ct) || !inbox.TryRead(out _pending))
                {
                    return 0;
                }
                _offset = 0;
            }
            var count = Math.Min(buffer.Length, _pending.Length - _offset);
            _pending.AsMemory(_offset, count).CopyTo(buffer);
            _offset += count;
            if (_offset == _pending.Length)
            {
                _pending = null;
            }
            return count;
        }

        public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct) => new(session.SendAsync(DataChannel(index), data, ct));
    }
}
