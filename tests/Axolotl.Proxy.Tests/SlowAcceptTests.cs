using System.Net;
using System.Net.Sockets;
using System.Text;
using static Axolotl.Proxy.Tests.ProxyHarness;

namespace Axolotl.Proxy.Tests;

/// <summary>
/// An endpoint whose accept queue is full (a pod on a busy node that has not accepted yet): the kernel
/// drops the SYN and the connect hangs. The relay keeps waiting for it while it is the only one, races
/// the next endpoint beside it when there is one, and gives up at the connect deadline.
/// </summary>
public sealed class SlowAcceptTests
{
    private static readonly TimeSpan Stagger = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task The_only_endpoint_accepting_late_still_gets_the_connection()
    {
        await using var slow = SlowBackend.WithFullQueue("slow");
        await using var proxy = new ProxyHarness(connectTimeout: Stagger);
        await proxy.RouteAsync(Ready(slow.EndPoint));

        using var client = await ProxyClient.ConnectAsync(proxy.Frontend.EndPoint);
        var line = client.ReadLineAsync();
        // Well past the stagger: the relay used to reset the client here.
        await Task.Delay(Stagger * 5);
        slow.StartAccepting();
        Assert.Equal("slow", await line);
        await client.SendLineAsync("ping");
        Assert.Equal("ping", await client.ReadLineAsync());
    }

    [Fact]
    public async Task A_slow_endpoint_races_the_next_one_and_the_first_to_connect_wins()
    {
        await using var slow = SlowBackend.WithFullQueue("slow");
        await using var fast = new LoopbackBackend("fast");
        await using var proxy = new ProxyHarness(connectTimeout: Stagger);
        await proxy.RouteAsync(Ready(slow.EndPoint), Ready(fast.EndPoint));

        // Round robin puts the slow endpoint first for some of these; each is answered by the fast one all the same.
        for (var i = 0; i < 4; i++)
        {
            using var client = await ProxyClient.ConnectAsync(proxy.Frontend.EndPoint);
            Assert.Equal("fast", await client.ReadLineAsync());
        }
        Assert.Equal(4, fast.Accepted);
    }

    [Fact]
    public async Task An_endpoint_that_never_accepts_is_given_up_at_the_deadline()
    {
        await using var slow = SlowBackend.WithFullQueue("slow");
        await using var proxy = new ProxyHarness(connectTimeout: Stagger, connectDeadline: TimeSpan.FromSeconds(1));
        await proxy.RouteAsync(Ready(slow.EndPoint));

        using var client = await ProxyClient.ConnectAsync(proxy.Frontend.EndPoint);
        Assert.Null(await client.ReadLineAsync());
        // The reset comes just before the forwarder lets go of its slot.
        for (var i = 0; i < 50 && proxy.Connections.Count > 0; i++)
        {
            await Task.Delay(20);
        }
        Assert.Equal(0, proxy.Connections.Count);
    }

    /// <summary>A listener with a one-slot accept queue filled by idle connections: further SYNs are dropped until it accepts.</summary>
    private sealed class SlowBackend : IAsyncDisposable
    {
        private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        private readonly List<Socket> _fillers = [];
        private readonly CancellationTokenSource _stop = new();
        private readonly string _name;
        private Task _loop = Task.CompletedTask;

        private SlowBackend(string name)
        {
            _name = name;
            _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _listener.Listen(0);
        }

        public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndPoint!;

        public static SlowBackend WithFullQueue(string name)
        {
            var backend = new SlowBackend(name);
            // Connect until one hangs: that SYN was dropped, so the queue is full.
            for (var i = 0; i < 16; i++)
            {
                var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                backend._fillers.Add(filler);
                if (!filler.ConnectAsync(backend.EndPoint).Wait(TimeSpan.FromMilliseconds(200)))
                {
                    return backend;
                }
            }
            throw new InvalidOperationException("the accept queue never filled");
        }

        public void StartAccepting() => _loop = Task.Run(AcceptAsync);

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                Socket socket;
                try
                {
                    socket = await _listener.AcceptAsync(_stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }
                _ = EchoAsync(socket);
            }
        }

        private async Task EchoAsync(Socket socket)
        {
            using (socket)
            {
                try
                {
                    await socket.SendAsync(Encoding.ASCII.GetBytes(_name + "\n"));
                    var buffer = new byte[1024];
                    int read;
                    while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token)) > 0)
                    {
                        await socket.SendAsync(buffer.AsMemory(0, read));
                    }
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    // The test is over.
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Dispose();
            foreach (var filler in _fillers)
            {
                filler.Dispose();
            }
            await _loop;
            _stop.Dispose();
        }
    }
}
