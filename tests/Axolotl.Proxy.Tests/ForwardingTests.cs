using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Axolotl.Proxy.Balancing;
using Axolotl.Proxy.Forwarding;
using Axolotl.Proxy.Routing;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using static Axolotl.Proxy.Tests.ProxyHarness;

namespace Axolotl.Proxy.Tests;

/// <summary>The forwarding path with real sockets on loopback: balancing, retries, draining and bad input.</summary>
public sealed class ForwardingTests
{
    [Fact]
    public async Task Connections_take_turns_over_the_ready_endpoints()
    {
        await using var a = new LoopbackBackend("a");
        await using var b = new LoopbackBackend("b");
        await using var proxy = new ProxyHarness();
        await proxy.RouteAsync(Ready(a.EndPoint), Ready(b.EndPoint), NotReady(LoopbackBackend.Refusing()));

        var names = new List<string?>();
        for (var i = 0; i < 6; i++)
        {
            names.Add(await ProxyClient.GreetingAsync(proxy.Frontend.EndPoint));
        }

        Assert.Equal(3, names.Count(n => n == "a"));
        Assert.Equal(3, names.Count(n => n == "b"));
    }

    [Fact]
    public async Task Least_connections_sends_new_clients_to_the_endpoint_with_fewer_open_connections()
    {
        await using var a = new LoopbackBackend("a");
        await using var b = new LoopbackBackend("b");
        await using var proxy = new ProxyHarness(BalancingMode.LeastConnections);
        await proxy.RouteAsync(Ready(a.EndPoint));
        var held = new List<ProxyClient>();
        try
        {
            for (var i = 0; i < 2; i++)
            {
                held.Add(await ProxyClient.ConnectAsync(proxy.Frontend.EndPoint));
                Assert.Equal("a", await held[^1].ReadLineAsync());
            }

            proxy.Swap(SnapshotWith(proxy.Frontend, Ready(a.EndPoint), Ready(b.EndPoint)));

            // Round robin would alternate; least connections catches b up first.
            for (var i = 0; i < 2; i++)
            {
                held.Add(await ProxyClient.ConnectAsync(proxy.Frontend.EndPoint));
                Assert.Equal("b", await held[^1].ReadLineAsync());
            }
            Assert.Equal((2, 2), (proxy.Picker.OpenConnections(a.EndPoint), proxy.Picker.OpenConnections(b.EndPoint)));
        }
        finally
        {
            held.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task A_refused_connect_is_retried_on_another_endpoint_before_the_client_notices()
    {
        await using var b = new LoopbackBackend("b");
        await using var proxy = new ProxyHarness();
        var dead = LoopbackBackend.Refusing();
        await proxy.RouteAsync(Ready(dead), Ready(b.EndPoint));

        for (var i = 0; i < 6; i++)
        {
            Assert.Equal("b", await ProxyClient.GreetingAsync(proxy.Frontend.EndPoint));
        }
        Assert.Equal(6, b.Accepted);
    }

    [Fact]
    public async Task Without_a_usable_endpoint_the_client_is_reset_at_once()
    {
        await using var proxy = new ProxyHarness();
        await proxy.RouteAsync(NotReady(LoopbackBackend.Refusing()));

        var clock = Stopwatch.StartNew();
        Assert.Null(await ProxyClient.GreetingAsync(proxy.Frontend.EndPoint));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"the refusal took {clock.Elapsed}");

        await proxy.RouteAsync(Ready(LoopbackBackend.Refusing()), Ready(LoopbackBackend.Refusing()));
        Assert.Null(await ProxyClient.GreetingAsync(proxy.Frontend.EndPoint));
        await Eventually.TrueAsync(() => proxy.Connections.Count == 0, "the refused connection released", () => $"{proxy.Connections.Count} connections");
    }

    [Fact]
    public async Task A_removed_endpoint_gets_no_new_connections_while_its_open_one_drains()
    {
        await using var a = new LoopbackBackend("a");
        await using var b = new LoopbackBackend("b");
        await using var proxy = new ProxyHarness();
        await proxy.RouteAsync(Ready(a.EndPoint));
        using var open = await ProxyClient.ConnectAsync(proxy.Frontend.EndPoint);
        Assert.Equal("a", await open.ReadLineAsync());

        proxy.Swap(SnapshotWith(proxy.Frontend, NotReady(a.EndPoint), Ready(b.EndPoint)));

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal("b", await ProxyClient.GreetingAsync(proxy.Frontend.EndPoint));
        }
        await open.SendLineAsync("still there?");
        Assert.Equal("still there?", await open.ReadLineAsync());
        open.Socket.Shutdown(SocketShutdown.Send);
        Assert.Equal("bye", await open.ReadLineAsync());
        Assert.Null(await open.ReadLineAsync());
    }

    [Fact]
    public async Task Open_connections_of_a_deleted_service_are_reset_and_new_ones_refused()
    {
        await using var a = new LoopbackBackend("a");
        await using var proxy = new ProxyHarness();
        await proxy.RouteAsync(Ready(a.EndPoint));
        using var open = await ProxyClient.ConnectAsync(proxy.Frontend.EndPoint);
        Assert.Equal("a", await open.ReadLineAsync());
        Assert.Equal(1, proxy.Connections.OpenFor(Web));

        proxy.Swap(RoutingSnapshot.Empty);

        Assert.Null(await open.ReadLineAsync());
        Assert.Null(await ProxyClient.GreetingAsync(proxy.Frontend.EndPoint));
        Assert.Equal(0, proxy.Connections.OpenFor(Web));
    }

    [Fact]
    public async Task Two_thousand_idle_clients_hold_no_buffers_and_do_not_starve_a_working_one()
    {
        await using var a = new LoopbackBackend("a");
        await using var proxy = new ProxyHarness();
        await proxy.RouteAsync(Ready(a.EndPoint));
        var idle = new List<ProxyClient>();
        try
        {
            // In batches, so the test's own connect bursts do not overflow the loopback SYN queues on a busy machine.
            for (var batch = 1; batch <= 20; batch++)
            {
                for (var i = 0; i < 100; i++)
                {
                    idle.Add(await ProxyClient.ConnectAsync(proxy.Frontend.EndPoint));
                }
                await Eventually.TrueAsync(() => proxy.Connections.Count == batch * 100, $"{batch * 100} idle clients connected through", () => $"{proxy.Connections.Count} connections");
            }

            using var busy = await ProxyClient.ConnectAsync(proxy.Frontend.EndPoint);
            Assert.Equal("a", await busy.ReadLineAsync());
            await busy.SendLineAsync(new string('x', 100_000));
            Assert.Equal(new string('x', 100_000), await busy.ReadLineAsync());
        }
        finally
        {
            idle.ForEach(c => c.Dispose());
        }
        await Eventually.TrueAsync(() => proxy.Connections.Count <= 1, "the idle connections closed", () => $"{proxy.Connections.Count} connections");
    }

    [Fact]
    public async Task Beyond_the_connection_limit_new_clients_are_reset_and_open_ones_keep_working()
    {
        await using var a = new LoopbackBackend("a");
        await using var proxy = new ProxyHarness(maxConnections: 3);
        await proxy.RouteAsync(Ready(a.EndPoint));
        var open = new List<ProxyClient>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var client = await ProxyClient.ConnectAsync(proxy.Frontend.EndPoint);
                Assert.Equal("a", await client.ReadLineAsync());
                open.Add(client);
            }

            Assert.Null(await ProxyClient.GreetingAsync(proxy.Frontend.EndPoint));
            await open[0].SendLineAsync("ping");
            Assert.Equal("ping", await open[0].ReadLineAsync());
        }
        finally
        {
            open.ForEach(c => c.Dispose());
        }
        await Eventually.TrueAsync(() => proxy.Connections.Count == 0, "the slots freed", () => $"{proxy.Connections.Count} connections");
        Assert.Equal("a", await ProxyClient.GreetingAsync(proxy.Frontend.EndPoint));
    }

    [Fact]
    public async Task A_backend_reset_is_passed_on_to_the_client()
    {
        using var backend = new TcpListener(IPAddress.Loopback, 0);
        backend.Start();
        await using var proxy = new ProxyHarness();
        await proxy.RouteAsync(Ready((IPEndPoint)backend.LocalEndpoint));

        using var client = await ProxyClient.ConnectAsync(proxy.Frontend.EndPoint);
        using var accepted = await backend.AcceptSocketAsync();
        accepted.LingerState = new LingerOption(true, 0);
        accepted.Close();

        Assert.Null(await client.ReadLineAsync());
        await Eventually.TrueAsync(() => proxy.Connections.Count == 0, "the connection cleaned up", () => $"{proxy.Connections.Count} connections");
    }

    [Fact]
    public async Task A_taken_port_is_reported_and_retried_while_other_frontends_listen()
    {
        await using var a = new LoopbackBackend("a");
        var taken = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, FreePort()));
        taken.Listen();
        var takenFrontend = new Frontend(IPAddress.Loopback, ((IPEndPoint)taken.LocalEndPoint!).Port);
        await using var proxy = new ProxyHarness();
        await proxy.RouteAsync(Ready(a.EndPoint));

        var failed = await proxy.Listeners.ReconcileAsync([proxy.Frontend, takenFrontend]);

        Assert.True(failed);
        Assert.Equal("AddressAlreadyInUse", proxy.Listeners.Failed[takenFrontend]);
        Assert.Equal("a", await ProxyClient.GreetingAsync(proxy.Frontend.EndPoint));

        taken.Dispose();
        Assert.False(await proxy.Listeners.ReconcileAsync([proxy.Frontend, takenFrontend]), string.Join(", ", proxy.Listeners.Failed.Select(f => $"{f.Key}: {f.Value}")));
        Assert.Contains(takenFrontend, proxy.Listeners.Listening);
    }

    [Fact]
    public async Task Two_proxies_of_one_cluster_can_listen_on_the_same_frontend()
    {
        await using var a = new LoopbackBackend("a");
        await using var first = new ProxyHarness();
        await first.RouteAsync(Ready(a.EndPoint));
        var picker = new EndpointPicker(BalancingMode.RoundRobin, TimeProvider.System);
        var forwarder = new Forwarder(() => first.Snapshot, picker, new ConnectionRegistry(),
            new ForwarderOptions(10, 1, TimeSpan.FromSeconds(1), 4096, ReplayLimit: 0), TimeProvider.System, NullLogger.Instance);
        await using var second = new ListenerSet(forwarder.HandleAsync, 16, TimeProvider.System, NullLogger.Instance);

        Assert.False(await second.ReconcileAsync([first.Frontend]));
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal("a", await ProxyClient.GreetingAsync(first.Frontend.EndPoint));
        }
    }
}
