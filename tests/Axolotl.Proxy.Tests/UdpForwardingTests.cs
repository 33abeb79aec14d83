using System.Net;
using System.Net.Sockets;
using System.Text;
using Axolotl.Proxy.Balancing;
using Axolotl.Proxy.Forwarding;
using Axolotl.Proxy.Forwarding.Udp;
using Axolotl.Proxy.Routing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Proxy.Tests;

/// <summary>The UDP relay on 127.0.0.1 with real sockets: echo backends that prefix their name.</summary>
public sealed class UdpForwardingTests : IAsyncDisposable
{
    private static readonly ServicePortName Echo = new("default", "echo", "udp");
    private readonly Frontend _frontend = new(IPAddress.Loopback, ProxyHarness.FreePort(), Transport.Udp);
    private readonly EndpointPicker _picker = new(BalancingMode.RoundRobin, TimeProvider.System);
    private readonly UdpForwarder _udp;
    private readonly ListenerSet _listeners;
    private readonly List<UdpEcho> _backends = [];
    private RoutingSnapshot _snapshot = RoutingSnapshot.Empty;
    private Func<IPAddress, IPEndPoint, ProtocolType, bool> _admit = (_, _, _) => true;
    private Func<IPAddress, IPEndPoint, int?> _mark = (_, _) => null;

    public UdpForwardingTests()
    {
        _udp = new UdpForwarder(() => Volatile.Read(ref _snapshot), _picker, new UdpFlowTable(new UdpFlowOptions(), TimeProvider.System), TimeProvider.System, NullLogger.Instance)
        {
            Admit = (client, endpoint, protocol) => _admit(client, endpoint, protocol),
            Mark = (client, endpoint) => _mark(client, endpoint),
        };
        _listeners = new ListenerSet((_, _, _) => Task.CompletedTask, 16, TimeProvider.System, NullLogger.Instance, _udp);
    }

    [Fact]
    public async Task A_datagram_reaches_an_endpoint_and_the_reply_comes_back_from_the_service_address()
    {
        var a = Backend("a");
        await RouteAsync(a.Endpoint);
        using var client = Client();

        var (reply, from) = await ExchangeAsync(client, "ping");

        Assert.Equal("a:ping", reply);
        Assert.Equal(_frontend.EndPoint, from);
        Assert.Equal(1, _udp.Flows.Count);
        Assert.Equal("a:again", (await ExchangeAsync(client, "again")).Reply);
        Assert.Equal(1, _udp.Flows.Count);
    }

    [Fact]
    public async Task Each_client_port_is_its_own_flow_and_flows_spread_over_the_endpoints()
    {
        await RouteAsync(Backend("a").Endpoint, Backend("b").Endpoint);
        var names = new HashSet<string>();
        for (var i = 0; i < 4; i++)
        {
            using var client = Client();
            names.Add((await ExchangeAsync(client, "x")).Reply[..1]);
        }
        Assert.Equal(["a", "b"], names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task With_client_ip_affinity_every_new_flow_of_a_client_goes_to_its_first_endpoint()
    {
        var echoes = new[] { Backend("a"), Backend("b"), Backend("c") };
        Swap(Snapshot(TimeSpan.FromSeconds(30), [.. echoes.Select(e => e.Endpoint)]));
        Assert.False(await _listeners.ReconcileAsync([_frontend]));
        var names = new HashSet<string>();
        // A socket per datagram: nine flows, each a new pick (round robin without affinity would visit all three).
        for (var i = 0; i < 9; i++)
        {
            using var client = Client();
            names.Add((await ExchangeAsync(client, "x")).Reply[..1]);
        }
        Assert.Single(names);
        Assert.Equal(9, _udp.Flows.Count);
    }

    [Fact]
    public async Task When_the_endpoint_of_a_flow_is_removed_the_clients_next_datagram_goes_to_one_that_remains()
    {
        var a = Backend("a");
        var b = Backend("b");
        await RouteAsync(a.Endpoint, b.Endpoint);
        using var client = Client();
        var first = (await ExchangeAsync(client, "1")).Reply[..1];
        var remaining = first == "a" ? b : a;

        Swap(Snapshot(remaining.Endpoint));

        Assert.Equal($"{remaining.Name}:2", (await ExchangeAsync(client, "2")).Reply);
    }

    [Fact]
    public async Task An_endpoint_that_answers_port_unreachable_loses_the_flow_and_the_client_moves_on()
    {
        var live = Backend("live");
        var dead = new IPEndPoint(IPAddress.Loopback, ProxyHarness.FreePort());
        await RouteAsync(ProxyHarness.Ready(dead), live.Endpoint);
        using var client = Client();

        // Each datagram either reaches the live endpoint or is lost to the dead one, whose refusal closes
        // the flow and quarantines it; within a few datagrams the client is answered.
        string? reply = null;
        for (var i = 0; i < 6 && reply is null; i++)
        {
            reply = await TryExchangeAsync(client, $"{i}", TimeSpan.FromSeconds(1));
        }
        Assert.StartsWith("live:", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_flow_passes_over_an_endpoint_network_policy_keeps_from_its_client()
    {
        var allowed = Backend("allowed");
        var denied = Backend("denied");
        var asked = new List<ProtocolType>();
        _admit = (client, endpoint, protocol) =>
        {
            lock (asked)
            {
                asked.Add(protocol);
            }
            return !endpoint.Equals(denied.Endpoint.EndPoint);
        };
        await RouteAsync(denied.Endpoint, allowed.Endpoint);

        for (var i = 0; i < 4; i++)
        {
            using var client = Client();
            Assert.Equal($"allowed:{i}", (await ExchangeAsync(client, $"{i}")).Reply);
        }
        Assert.Equal(0, denied.Received);
        lock (asked)
        {
            Assert.All(asked, p => Assert.Equal(ProtocolType.Udp, p));
        }
    }

    [Fact]
    public async Task A_flow_gets_the_mark_the_policy_table_translates_so_a_pod_elsewhere_sees_the_client_pod()
    {
        var a = Backend("a");
        var asked = new List<(IPAddress Client, IPEndPoint Endpoint)>();
        // Outside the relay's tag (0x0ae1 in the upper half), so no policy table on this machine translates it.
        const int Mark = 0x00ca0001;
        _mark = (client, endpoint) =>
        {
            lock (asked)
            {
                asked.Add((client, endpoint));
            }
            return Mark;
        };
        await RouteAsync(a.Endpoint);
        using var client = Client();

        Assert.Equal("a:ping", (await ExchangeAsync(client, "ping")).Reply);

        var flow = _udp.Flows.Find(_frontend, (IPEndPoint)client.LocalEndPoint!, out _);
        var value = new byte[4];
        flow!.Backend!.GetRawSocketOption(1, 36, value);
        Assert.Equal(Mark, BitConverter.ToInt32(value));
        lock (asked)
        {
            Assert.Equal([(IPAddress.Loopback, a.Endpoint.EndPoint)], asked);
        }
    }

    [Fact]
    public async Task When_policy_denies_every_endpoint_the_datagram_is_dropped_and_no_flow_opens()
    {
        var only = Backend("only");
        _admit = (_, _, _) => false;
        await RouteAsync(only.Endpoint);
        using var client = Client();

        Assert.Null(await TryExchangeAsync(client, "x", TimeSpan.FromMilliseconds(500)));
        Assert.Equal(0, _udp.Flows.Count);
        Assert.Equal(0, only.Received);
    }

    [Fact]
    public async Task Closing_the_frontend_closes_its_flows()
    {
        await RouteAsync(Backend("a").Endpoint);
        using var client = Client();
        await ExchangeAsync(client, "x");
        Assert.Equal(1, _udp.Flows.Count);

        await _listeners.ReconcileAsync([]);

        Assert.Equal(0, _udp.Flows.Count);
    }

    private UdpEcho Backend(string name)
    {
        var echo = new UdpEcho(name);
        _backends.Add(echo);
        return echo;
    }

    private async Task RouteAsync(params RouteEndpoint[] endpoints)
    {
        Swap(Snapshot(endpoints));
        Assert.False(await _listeners.ReconcileAsync([_frontend]));
    }

    private void Swap(RoutingSnapshot next)
    {
        Volatile.Write(ref _snapshot, next);
        _udp.Close(_udp.Flows.RemoveStale(next));
        _picker.Prune(next);
    }

    private RoutingSnapshot Snapshot(params RouteEndpoint[] endpoints) => Snapshot(null, endpoints);

    private RoutingSnapshot Snapshot(TimeSpan? affinityTimeout, params RouteEndpoint[] endpoints) =>
        new(new Dictionary<ServicePortName, ServiceRoute> { [Echo] = new ServiceRoute(Echo, endpoints, "node-1", false, false, affinityTimeout: affinityTimeout) },
            new Dictionary<Frontend, FrontendTarget> { [_frontend] = new FrontendTarget(Echo, FrontendKind.ClusterIP) },
            new HashSet<IPAddress>(), []);

    private static Socket Client()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    private async Task<(string Reply, IPEndPoint From)> ExchangeAsync(Socket client, string text)
    {
        await client.SendToAsync(Encoding.UTF8.GetBytes(text), _frontend.EndPoint);
        var buffer = new byte[2048];
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var result = await client.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), deadline.Token);
        return (Encoding.UTF8.GetString(buffer, 0, result.ReceivedBytes), (IPEndPoint)result.RemoteEndPoint);
    }

    private async Task<string?> TryExchangeAsync(Socket client, string text, TimeSpan wait)
    {
        await client.SendToAsync(Encoding.UTF8.GetBytes(text), _frontend.EndPoint);
        var buffer = new byte[2048];
        using var deadline = new CancellationTokenSource(wait);
        try
        {
            var result = await client.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), deadline.Token);
            return Encoding.UTF8.GetString(buffer, 0, result.ReceivedBytes);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _listeners.DisposeAsync();
        foreach (var backend in _backends)
        {
            backend.Dispose();
        }
    }

    /// <summary>A UDP server on 127.0.0.1 that answers each datagram with "NAME:" and the datagram.</summary>
    private sealed class UdpEcho : IDisposable
    {
        private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        private readonly CancellationTokenSource _stop = new();
        private int _received;

        public UdpEcho(string name)
        {
            Name = name;
            _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            Endpoint = ProxyHarness.Ready((IPEndPoint)_socket.LocalEndPoint!, name);
            _ = Task.Run(async () =>
            {
                var buffer = new byte[2048];
                var prefix = Encoding.UTF8.GetBytes(name + ":");
                while (!_stop.IsCancellationRequested)
                {
                    try
                    {
                        var r = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
                        Interlocked.Increment(ref _received);
                        await _socket.SendToAsync(prefix.Concat(buffer.Take(r.ReceivedBytes)).ToArray(), r.RemoteEndPoint);
                    }
                    catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
                    {
                        return;
                    }
                }
            });
        }

        public string Name { get; }

        public RouteEndpoint Endpoint { get; }

        /// <summary>Datagrams this endpoint got.</summary>
        public int Received => Volatile.Read(ref _received);

        public void Dispose()
        {
            _stop.Cancel();
            _socket.Dispose();
            _stop.Dispose();
        }
    }
}
