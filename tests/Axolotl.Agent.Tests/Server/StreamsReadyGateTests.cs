using System.Net.WebSockets;
using Axolotl.Agent.Server;
using Axolotl.Testing;

namespace Axolotl.Agent.Tests.Server;

/// <summary>An exec's first message waits for the client's streams: until it speaks, or for the hold.</summary>
public sealed class StreamsReadyGateTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void A_silent_client_gets_its_first_message_after_the_hold_and_not_before()
    {
        var gate = new StreamsReadyGate(_time);

        _time.Advance(StreamsReadyGate.Hold - TimeSpan.FromMilliseconds(1));
        Assert.False(gate.Opened.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(gate.Opened.IsCompletedSuccessfully);
    }

    [Fact]
    public void A_client_that_speaks_opens_the_gate_at_once()
    {
        var gate = new StreamsReadyGate(_time);

        gate.ClientSpoke();

        Assert.True(gate.Opened.IsCompletedSuccessfully);
        gate.ClientSpoke(); // a second message changes nothing
        _time.Advance(StreamsReadyGate.Hold);
        Assert.True(gate.Opened.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Nothing_is_sent_before_the_gate_opens()
    {
        var gate = new StreamsReadyGate(_time);
        using var socket = new RecordingWebSocket();
        using var sender = new ChannelSender(socket, firstSend: gate.Opened);

        var sending = sender.SendAsync(1, "hosts"u8.ToArray(), CancellationToken.None);
        await Task.Yield();
        Assert.Empty(socket.Sent);

        gate.ClientSpoke();
        await sending;
        Assert.Equal([1, .. "hosts"u8.ToArray()], Assert.Single(socket.Sent));
    }

    /// <summary>A WebSocket that keeps what is sent to it.</summary>
    private sealed class RecordingWebSocket : WebSocket
    {
        public List<byte[]> Sent { get; } = [];

        public override WebSocketCloseStatus? CloseStatus => null;

        public override string? CloseStatusDescription => null;

        public override WebSocketState State => WebSocketState.Open;

        public override string? SubProtocol => null;

        public override void Abort()
        {
        }

        public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) => Task.CompletedTask;

        public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) => Task.CompletedTask;

        public override void Dispose()
        {
        }

        public override Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
        {
            Sent.Add(buffer.ToArray());
            return Task.CompletedTask;
        }
    }
}
