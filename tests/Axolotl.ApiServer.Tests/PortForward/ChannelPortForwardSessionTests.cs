using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.PortForward;

namespace Axolotl.ApiServer.Tests.PortForward;

/// <summary>A client library's WebSocket port-forward against the session, with scripted agents behind it.</summary>
public sealed class ChannelPortForwardSessionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly PortForwardTarget Target = new("default", "web", "uid-1", "10.244.0.5", "node-a", "127.0.0.1", 10250);

    private sealed class Harness : IAsyncDisposable
    {
        private readonly LoopbackPair _client;
        private readonly ConcurrentBag<LoopbackPair> _agents = [];
        private readonly CancellationTokenSource _stop = new();

        private Harness(LoopbackPair client, bool base64, int[] ports, Func<Uri, WebSocket, Task> agent, Func<CancellationToken, Task<PortForwardTarget>>? resolve)
        {
            _client = client;
            Base64 = base64;
            Client = WebSocket.CreateFromStream(client.Client, isServer: false, subProtocol: null, TimeSpan.Zero);
            var server = WebSocket.CreateFromStream(client.Server, isServer: true, subProtocol: null, TimeSpan.Zero);
            var session = new ChannelPortForwardSession(server, base64, ports, resolve ?? (_ => Task.FromResult(Target)), async (_, url, _) =>
            {
                Urls.Add(url);
                var pair = await LoopbackPair.CreateAsync();
                _agents.Add(pair);
                _ = agent(url, WebSocket.CreateFromStream(pair.Server, isServer: true, subProtocol: null, TimeSpan.Zero));
                return WebSocket.CreateFromStream(pair.Client, isServer: false, subProtocol: null, TimeSpan.Zero);
            }, TimeProvider.System);
            Running = session.RunAsync(_stop.Token);
        }

        public WebSocket Client { get; }

        public bool Base64 { get; }

        public Task Running { get; }

        public ConcurrentBag<Uri> Urls { get; } = [];

        public static async Task<Harness> StartAsync(bool base64, int[] ports, Func<Uri, WebSocket, Task> agent, Func<CancellationToken, Task<PortForwardTarget>>? resolve = null) =>
            new(await LoopbackPair.CreateAsync(), base64, ports, agent, resolve);

        public async Task SendAsync(byte channel, string text)
        {
            var (message, type) = ChannelFrames.Encode(channel, Encoding.UTF8.GetBytes(text), Base64);
            await Client.SendAsync(message, type, true, CancellationToken.None);
        }

        /// <summary>Every (channel, text) the server sent until it closed the WebSocket.</summary>
        public async Task<List<(byte Channel, byte[] Data)>> ReadUntilCloseAsync()
        {
            var frames = new List<(byte, byte[])>();
            var buffer = new byte[64 * 1024];
            while (true)
            {
                var result = await Client.ReceiveAsync(buffer, CancellationToken.None).WaitAsync(Timeout);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await Client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    return frames;
                }
                Assert.True(result.EndOfMessage);
                frames.Add(ChannelFrames.Decode(buffer.AsSpan(0, result.Count), result.MessageType, Base64)!.Value);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await Running.WaitAsync(Timeout);
            foreach (var agent in _agents)
            {
                await agent.DisposeAsync();
            }
            await _client.DisposeAsync();
            _stop.Dispose();
        }
    }

    /// <summary>Answers "echo:" + the first data message, then closes (the pod ended the connection).</summary>
    private static async Task EchoAgentAsync(Uri url, WebSocket agent)
    {
        var buffer = new byte[1024];
        var received = await agent.ReceiveAsync(buffer, CancellationToken.None);
        var answer = Encoding.UTF8.GetBytes("echo:" + Encoding.UTF8.GetString(buffer, 1, received.Count - 1));
        await agent.SendAsync((byte[])[0, .. answer], WebSocketMessageType.Binary, true, CancellationToken.None);
        await agent.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }

    private static string Text(IEnumerable<(byte Channel, byte[] Data)> frames, byte channel) =>
        string.Concat(frames.Where(f => f.Channel == channel).Skip(1).Select(f => Encoding.UTF8.GetString(f.Data)));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Each_channel_starts_with_its_port_and_data_goes_through_the_agent(bool base64)
    {
        await using var harness = await Harness.StartAsync(base64, [8080], EchoAgentAsync);

        await harness.SendAsync(0, "GET /");
        var frames = await harness.ReadUntilCloseAsync();

        Assert.Equal((byte)0, frames[0].Channel);
        Assert.Equal(new byte[] { 0x90, 0x1F }, frames[0].Data);
        Assert.Equal((byte)1, frames[1].Channel);
        Assert.Equal(new byte[] { 0x90, 0x1F }, frames[1].Data);
        Assert.Equal("echo:GET /", Text(frames, 0));
        Assert.Equal("", Text(frames, 1));
        Assert.Equal("wss://127.0.0.1:10250/portForward/default/web?port=8080&uid=uid-1&podIP=10.244.0.5", Assert.Single(harness.Urls).ToString());
    }

    [Fact]
    public async Task Two_ports_use_channels_0_1_and_2_3_each_with_its_own_agent_connection()
    {
        await using var harness = await Harness.StartAsync(false, [80, 443], EchoAgentAsync);

        await harness.SendAsync(2, "second");
        await harness.SendAsync(0, "first");
        var frames = await harness.ReadUntilCloseAsync();

        Assert.Equal(new byte[] { 80, 0 }, frames.First(f => f.Channel == 1).Data);
        Assert.Equal(new byte[] { 0xBB, 0x01 }, frames.First(f => f.Channel == 3).Data);
        Assert.Equal("echo:first", Text(frames, 0));
        Assert.Equal("echo:second", Text(frames, 2));
        Assert.Equal(2, harness.Urls.Count);
    }

    [Fact]
    public async Task The_agents_error_goes_on_the_error_channel()
    {
        await using var harness = await Harness.StartAsync(false, [9999], async (_, agent) =>
        {
            await agent.SendAsync((byte[])[1, .. "error forwarding port 9999 to pod web"u8.ToArray()], WebSocketMessageType.Binary, true, CancellationToken.None);
            await agent.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        });

        var frames = await harness.ReadUntilCloseAsync();

        Assert.Equal("", Text(frames, 0));
        Assert.Equal("error forwarding port 9999 to pod web", Text(frames, 1));
    }

    [Fact]
    public async Task A_pod_that_cannot_be_resolved_is_reported_on_the_error_channel()
    {
        await using var harness = await Harness.StartAsync(false, [8080], EchoAgentAsync,
            _ => throw ApiErrors.BadRequest("pod web has no IP address yet"));

        var frames = await harness.ReadUntilCloseAsync();

        Assert.Equal("error forwarding port 8080: pod web has no IP address yet", Text(frames, 1));
        Assert.Empty(harness.Urls);
    }

    [Fact]
    public async Task A_malformed_message_closes_the_websocket_with_a_protocol_error()
    {
        var agentSawClose = new TaskCompletionSource();
        await using var harness = await Harness.StartAsync(true, [8080], async (_, agent) =>
        {
            var buffer = new byte[1024];
            while ((await agent.ReceiveAsync(buffer, CancellationToken.None)).MessageType != WebSocketMessageType.Close)
            {
            }
            agentSawClose.TrySetResult();
        });

        await harness.Client.SendAsync("0%%%"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        await harness.ReadUntilCloseAsync();

        Assert.Equal(WebSocketCloseStatus.ProtocolError, harness.Client.CloseStatus);
        await harness.Running.WaitAsync(Timeout);
    }
}
