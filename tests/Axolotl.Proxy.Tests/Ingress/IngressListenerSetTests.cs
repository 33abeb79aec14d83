using System.Net;
using System.Net.Sockets;
using System.Text;
using Axolotl.Proxy.Balancing;
using Axolotl.Proxy.Forwarding;
using Axolotl.Proxy.Ingress;
using Axolotl.Proxy.Routing;
using Axolotl.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Proxy.Tests.Ingress;

/// <summary>
/// The controller's listeners on real loopback sockets. 127.0.0.1 stands for a node address and another loopback
/// address for a Service's cluster IP (the kernel treats both as local addresses, as it does the proxy's interface).
/// </summary>
public sealed class IngressListenerSetTests : IAsyncLifetime
{
    private static readonly IPAddress ClusterIp = IPAddress.Parse("127.0.0.77");
    private readonly CapturingLoggerProvider _logs = new();
    private readonly List<IAsyncDisposable> _owned = [];
    private IngressListenerSet _set = null!;

    public Task InitializeAsync()
    {
        var options = new IngressOptions { NodeName = "node-1", StatusAddress = "127.0.0.1" };
        var resolver = new IngressBackendResolver((_, _) => null, () => RoutingSnapshot.Empty);
        var handler = new IngressRequestHandler(() => IngressRouteTable.Empty, new BackendForwarder(resolver, new EndpointPicker(BalancingMode.RoundRobin, TimeProvider.System),
            new HttpMessageInvoker(new SocketsHttpHandler { UseProxy = false }), options, NullLogger.Instance));
        _set = new IngressListenerSet((endpoint, ct) => IngressListener.StartAsync(endpoint, null, options, handler.HandleAsync, NullLoggerFactory.Instance, ct),
            _logs.CreateLogger("ingress"));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _set.DisposeAsync();
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }
    }

    private static IngressListenPlan Plan(int port) => IngressListenPlan.For(RoutingSnapshot.Empty, port, 0);

    [Fact]
    public async Task A_service_on_the_ingress_port_binds_and_answers_on_its_cluster_ip_beside_the_controller()
    {
        var port = ProxyHarness.FreePort();
        Assert.False(await _set.ReconcileAsync(Plan(port), CancellationToken.None));

        // What the relay does for a Service with port 80 on a node running the controller (issue 36's collision).
        var service = ProxyListener.Open(new Frontend(ClusterIp, port), 16);
        _owned.Add(service);
        service.Start(async (socket, _, ct) =>
        {
            using (socket)
            {
                await socket.SendAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 7\r\nConnection: close\r\n\r\nservice"), ct);
                socket.Shutdown(SocketShutdown.Send);
            }
        }, TimeProvider.System, NullLogger.Instance);

        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        Assert.Equal("service", await http.GetStringAsync(new Uri($"http://{ClusterIp}:{port}/")));
        using var ingress = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/"));
        Assert.Equal(HttpStatusCode.NotFound, ingress.StatusCode);
        Assert.Contains("no Ingress rule", await ingress.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_wildcard_listener_on_the_port_is_what_keeps_a_cluster_ip_from_binding()
    {
        // Why the controller never listens on 0.0.0.0: the kernel then refuses the Service's own address and port.
        var port = ProxyHarness.FreePort();
        using var wildcard = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        wildcard.Bind(new IPEndPoint(IPAddress.Any, port));
        wildcard.Listen();

        Assert.Throws<SocketException>(() => ProxyListener.Open(new Frontend(ClusterIp, port), 16));
    }

    [Fact]
    public async Task A_port_already_taken_is_one_warning_and_is_served_once_it_is_free()
    {
        var port = ProxyHarness.FreePort();
        var holder = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        holder.Bind(new IPEndPoint(IPAddress.Loopback, port));
        holder.Listen();

        Assert.True(await _set.ReconcileAsync(Plan(port), CancellationToken.None));
        Assert.True(await _set.ReconcileAsync(Plan(port), CancellationToken.None));
        var warning = Assert.Single(_logs.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains($"port {port} is taken on 127.0.0.1", warning.Message, StringComparison.Ordinal);
        Assert.Empty(_set.Listening);

        holder.Dispose();
        Assert.False(await _set.ReconcileAsync(Plan(port), CancellationToken.None));
        Assert.Equal(new[] { new IngressEndpoint(IPAddress.Loopback, port, Tls: false) }, _set.Listening);
    }

    [Fact]
    public async Task An_address_the_plan_no_longer_names_is_closed()
    {
        var port = ProxyHarness.FreePort();
        await _set.ReconcileAsync(Plan(port), CancellationToken.None);
        Assert.Single(_set.Listening);

        await _set.ReconcileAsync(Plan(0), CancellationToken.None);

        Assert.Empty(_set.Listening);
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
    }
}
