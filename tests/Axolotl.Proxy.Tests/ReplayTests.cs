using System.Net;
using System.Net.Sockets;
using System.Text;
using Axolotl.Proxy.Forwarding;
using static Axolotl.Proxy.Tests.ProxyHarness;

namespace Axolotl.Proxy.Tests;

/// <summary>An endpoint that dies before answering: the connection moves to another endpoint with the client's bytes replayed.</summary>
public sealed class ReplayTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_request_whose_endpoint_dies_before_answering_is_answered_by_another_endpoint(bool reset)
    {
        await using var dying = new RequestBackend("dying", answer: false, reset);
        await using var healthy = new RequestBackend("healthy", answer: true, reset: false);
        await using var proxy = new ProxyHarness();
        await proxy.RouteAsync(Ready(dying.EndPoint), Ready(healthy.EndPoint));

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal($"healthy: GET /{i}", await RequestAsync(proxy.Frontend.EndPoint, $"GET /{i}"));
        }
        Assert.True(dying.Requests >= 1, "the dying endpoint got at least one request first");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_endpoint_that_hangs_up_before_the_client_spoke_is_replaced(bool reset)
    {
        // A pod killed with connections still in its accept queue resets them (or, accepted but
        // unread, closes them) before the client's request has even reached it.
        await using var dying = new RequestBackend("dying", answer: false, reset, hangUpAfter: TimeSpan.Zero);
        await using var healthy = new RequestBackend("healthy", answer: true, reset: false);
        await using var proxy = new ProxyHarness();
        await proxy.RouteAsync(Ready(dying.EndPoint), Ready(healthy.EndPoint));

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal($"healthy: GET /{i}", await RequestAsync(proxy.Frontend.EndPoint, $"GET /{i}", pause: TimeSpan.FromMilliseconds(50)));
        }
        Assert.True(dying.Accepted >= 1, "the dying endpoint got at least one connection first");
    }

    [Fact]
    public async Task A_server_closing_an_idle_connection_later_is_not_replaced()
    {
        var idle = FirstAnswer.SilentHangupWindow + TimeSpan.FromMilliseconds(300);
        await using var first = new RequestBackend("first", answer: false, reset: false, hangUpAfter: idle);
        await using var second = new RequestBackend("second", answer: false, reset: false, hangUpAfter: idle);
        await using var proxy = new ProxyHarness();
        await proxy.RouteAsync(Ready(first.EndPoint), Ready(second.EndPoint));

        using var client = await ProxyClient.ConnectAsync(proxy.Frontend.EndPoint);
        Assert.Null(await client.ReadLineAsync());
        Assert.Equal(1, first.Accepted + second.Accepted);
    }

    [Fact]
    public async Task A_client_that_half_closes_after_its_request_still_gets_the_replayed_answer()
    {
        await using var dying = new RequestBackend("dying", answer: false, reset: true);
        await using var healthy = new RequestBackend("healthy", answer: true, reset: false);
        await using var proxy = new ProxyHarness();
        await proxy.RouteAsync(Ready(dying.EndPoint), Ready(healthy.EndPoint));

        Assert.Equal("healthy: PING", await RequestAsync(proxy.Frontend.EndPoint, "PING", halfClose: true));
        Assert.Equal("healthy: PING", await RequestAsync(proxy.Frontend.EndPoint, "PING", halfClose: true));
    }

    [Fact]
    public async Task Without_replay_the_client_sees_the_endpoint_die()
    {
        await using var dying = new RequestBackend("dying", answer: false, reset: true);
        await using var proxy = new ProxyHarness(replayLimit: 0);
        await proxy.RouteAsync(Ready(dying.EndPoint));

        Assert.Null(await RequestAsync(proxy.Frontend.EndPoint, "GET /"));
    }

    [Fact]
    public async Task A_service_annotated_against_replay_is_not_replayed()
    {
        await using var dying = new RequestBackend("dying", answer: false, reset: true);
        await using var healthy = new RequestBackend("healthy", answer: true, reset: false);
        await using var proxy = new ProxyHarness();
        await proxy.RouteAsync(Ready(dying.EndPoint), Ready(healthy.EndPoint));
        proxy.Swap(SnapshotWith(proxy.Frontend, replayUnanswered: false, Ready(dying.EndPoint), Ready(healthy.EndPoint)));

        var answers = new List<string?>();
        for (var i = 0; i < 4; i++)
        {
            answers.Add(await RequestAsync(proxy.Frontend.EndPoint, "GET /"));
        }
        Assert.Contains(null, answers);
    }

    [Fact]
    public async Task More_than_the_replay_limit_is_not_replayed()
    {
        await using var dying = new RequestBackend("dying", answer: false, reset: true);
        await using var healthy = new RequestBackend("healthy", answer: true, reset: false);
        await using var proxy = new ProxyHarness(replayLimit: 16);
        await proxy.RouteAsync(Ready(dying.EndPoint), Ready(healthy.EndPoint));

        var answers = new List<string?>();
        for (var i = 0; i < 4; i++)
        {
            answers.Add(await RequestAsync(proxy.Frontend.EndPoint, "GET /" + new string('x', 64)));
        }
        Assert.Contains(null, answers);
        Assert.Equal(4, (await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => RequestAsync(proxy.Frontend.EndPoint, "GET /")))).Count(a => a == "healthy: GET /"));
    }

    /// <summary>Sends one line, reads the one-line answer; null when the connection failed or closed without one.</summary>
    private static async Task<string?> RequestAsync(IPEndPoint endPoint, string line, bool halfClose = false, TimeSpan pause = default)
    {
        using var client = await ProxyClient.ConnectAsync(endPoint);
        try
        {
            await Task.Delay(pause);
            await client.SendLineAsync(line);
            if (halfClose)
            {
                client.Socket.Shutdown(SocketShutdown.Send);
            }
            return await client.ReadLineAsync();
        }
        catch (SocketException)
        {
            return null;
        }
    }

    /// <summary>Reads one line per connection; answers "NAME: line" and closes, or (a crashed server) closes or resets without a byte; or hangs up unread.</summary>
    private sealed class RequestBackend : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Task _loop;
        private readonly string _name;
        private readonly bool _answer;
        private readonly bool _reset;
        private readonly TimeSpan? _hangUpAfter;
        private int _requests;
        private int _accepted;

        public RequestBackend(string name, bool answer, bool reset, TimeSpan? hangUpAfter = null)
        {
            (_name, _answer, _reset, _hangUpAfter) = (name, answer, reset, hangUpAfter);
            _listener.Start();
            _loop = Task.Run(AcceptAsync);
        }

        public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

        public int Requests => Volatile.Read(ref _requests);

        public int Accepted => Volatile.Read(ref _accepted);

        private async Task AcceptAsync()
        {
            while (true)
            {
                Socket socket;
                try
                {
                    socket = await _listener.AcceptSocketAsync();
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
                {
                    // Stopped: a loop that comes round after Stop() is told "not listening".
                    return;
                }
                Interlocked.Increment(ref _accepted);
                if (_hangUpAfter is { } after)
                {
                    _ = HangUpAsync(socket, after);
                    continue;
                }
                _ = ServeAsync(socket);
            }
        }

        /// <summary>Closes or resets the connection without reading from it.</summary>
        private async Task HangUpAsync(Socket socket, TimeSpan after)
        {
            await Task.Delay(after);
            if (_reset)
            {
                socket.LingerState = new LingerOption(true, 0);
            }
            socket.Dispose();
        }

        private async Task ServeAsync(Socket socket)
        {
            using (socket)
            {
                try
                {
                    var received = new StringBuilder();
                    var buffer = new byte[256];
                    while (!received.ToString().Contains('\n', StringComparison.Ordinal))
                    {
                        var read = await socket.ReceiveAsync(buffer, SocketFlags.None);
                        if (read == 0)
                        {
                            return;
                        }
                        received.Append(Encoding.ASCII.GetString(buffer, 0, read));
                    }
                    Interlocked.Increment(ref _requests);
                    if (_answer)
                    {
                        await socket.SendAsync(Encoding.ASCII.GetBytes($"{_name}: {received.ToString().TrimEnd('\n')}\n"));
                        socket.Shutdown(SocketShutdown.Both);
                    }
                    else if (_reset)
                    {
                        socket.LingerState = new LingerOption(true, 0);
                    }
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            await _loop;
        }
    }
}
