using System.Net.WebSockets;
using System.Text;
using Axolotl.ApiServer.PortForward;
using Axolotl.ApiServer.PortForward.Spdy;

namespace Axolotl.ApiServer.Tests.PortForward;

/// <summary>kubectl's stream pairs against the session, with a scripted agent on the other end of a WebSocket.</summary>
public sealed class PortForwardSessionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly PortForwardTarget Target = new("default", "web", "uid-1", "10.244.0.5", "node-a", "127.0.0.1", 10250);

    private sealed class Harness : IAsyncDisposable
    {
        private readonly LoopbackPair _kubectl;
        private readonly List<LoopbackPair> _agents = [];
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _serving;
        private readonly Task _client;

        private Harness(LoopbackPair kubectl, Func<WebSocket, Task> agent)
        {
            _kubectl = kubectl;
            Server = new SpdySession(kubectl.Server, isClient: false);
            Client = new SpdySession(kubectl.Client, isClient: true);
            var session = new PortForwardSession(Server, _ => Task.FromResult(Target), async (_, url, _) =>
            {
                Urls.Add(url);
                var pair = await LoopbackPair.CreateAsync();
                _agents.Add(pair);
                AgentTasks.Add(agent(WebSocket.CreateFromStream(pair.Server, isServer: true, subProtocol: null, TimeSpan.Zero)));
                return WebSocket.CreateFromStream(pair.Client, isServer: false, subProtocol: null, TimeSpan.Zero);
            });
            _serving = Server.RunAsync(session.OnStreamAsync, _stop.Token);
            _client = Client.RunAsync(_ => Task.CompletedTask, _stop.Token);
        }

        public SpdySession Server { get; }

        public SpdySession Client { get; }

        public List<Uri> Urls { get; } = [];

        private List<Task> AgentTasks { get; } = [];

        public static async Task<Harness> StartAsync(Func<WebSocket, Task> agent) => new(await LoopbackPair.CreateAsync(), agent);

        /// <summary>Opens kubectl's error and data streams for one connection.</summary>
        public async Task<(SpdyStream Error, SpdyStream Data)> ConnectAsync(string port, string requestId)
        {
            var error = await Client.OpenStreamAsync([new("streamtype", "error"), new("port", port), new("requestid", requestId)], false, CancellationToken.None);
            await error.Reply.WaitAsync(Timeout);
            await error.CloseWriteAsync(CancellationToken.None);
            var data = await Client.OpenStreamAsync([new("streamtype", "data"), new("port", port), new("requestid", requestId)], false, CancellationToken.None);
            await data.Reply.WaitAsync(Timeout);
            return (error, data);
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_serving, _client).WaitAsync(Timeout);
            await Server.DisposeAsync();
            await Client.DisposeAsync();
            foreach (var agent in _agents)
            {
                await agent.DisposeAsync();
            }
            await _kubectl.DisposeAsync();
            _stop.Dispose();
        }
    }

    private static async Task<string> ReadAllAsync(SpdyStream stream)
    {
        var text = new StringBuilder();
        var buffer = new byte[1024];
        int read;
        while ((read = await stream.ReadAsync(buffer, CancellationToken.None).AsTask().WaitAsync(Timeout)) > 0)
        {
            text.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }
        return text.ToString();
    }

    /// <summary>An agent that answers the first data message with "echo:" + its bytes, then closes.</summary>
    private static async Task EchoAgentAsync(WebSocket agent)
    {
        var buffer = new byte[1024];
        var received = await agent.ReceiveAsync(buffer, CancellationToken.None);
        var answer = Encoding.UTF8.GetBytes("echo:" + Encoding.UTF8.GetString(buffer, 1, received.Count - 1));
        await agent.SendAsync((byte[])[0, .. answer], WebSocketMessageType.Binary, true, CancellationToken.None);
        await agent.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }

    [Fact]
    public async Task A_connection_pair_is_carried_by_one_agent_websocket_and_the_error_stream_stays_empty()
    {
        await using var harness = await Harness.StartAsync(EchoAgentAsync);

        var (error, data) = await harness.ConnectAsync("8080", "0");
        await data.WriteAsync("GET /"u8.ToArray(), CancellationToken.None);

        Assert.Equal("echo:GET /", await ReadAllAsync(data));
        Assert.Equal("", await ReadAllAsync(error));
        Assert.Equal("wss://127.0.0.1:10250/portForward/default/web?port=8080&uid=uid-1&podIP=10.244.0.5", Assert.Single(harness.Urls).ToString());
    }

    [Fact]
    public async Task The_agents_error_reaches_the_error_stream_after_the_data_stream_ends()
    {
        await using var harness = await Harness.StartAsync(async agent =>
        {
            await agent.SendAsync((byte[])[1, .. "error forwarding port 9999 to pod web"u8.ToArray()], WebSocketMessageType.Binary, true, CancellationToken.None);
            await agent.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        });

        var (error, data) = await harness.ConnectAsync("9999", "1");

        Assert.Equal("", await ReadAllAsync(data));
        Assert.Equal("error forwarding port 9999 to pod web", await ReadAllAsync(error));
    }

    [Fact]
    public async Task An_invalid_port_is_reported_without_calling_the_agent()
    {
        await using var harness = await Harness.StartAsync(EchoAgentAsync);

        var (error, data) = await harness.ConnectAsync("http", "2");

        Assert.Equal("", await ReadAllAsync(data));
        Assert.Equal("invalid port \"http\"", await ReadAllAsync(error));
        Assert.Empty(harness.Urls);
    }

    [Fact]
    public async Task Successive_connections_each_get_their_own_agent_websocket()
    {
        await using var harness = await Harness.StartAsync(EchoAgentAsync);

        var answers = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var (_, data) = await harness.ConnectAsync("8080", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await data.WriteAsync(Encoding.UTF8.GetBytes($"r{i}"), CancellationToken.None);
            answers.Add(await ReadAllAsync(data));
        }

        Assert.Equal(["echo:r0", "echo:r1", "echo:r2"], answers);
        Assert.Equal(3, harness.Urls.Count);
    }
}
