using System.Net;
using System.Net.Sockets;
using Axolotl.Api.Core;
using Axolotl.Proxy.Balancing;
using Axolotl.Proxy.Ingress;
using Axolotl.Proxy.Routing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using static Axolotl.Proxy.Tests.Ingress.IngressObjects;

namespace Axolotl.Proxy.Tests.Ingress;

/// <summary>
/// The request path on real loopback sockets: a Kestrel listener of the controller, YARP, and HTTP backends
/// on 127.0.0.1, one of them refusing connections as a pod that just died does.
/// </summary>
public sealed class IngressRequestHandlerTests : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly IPEndPoint _refusing = LoopbackBackend.Refusing();
    private IPEndPoint _live = null!;
    private int _port;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var backend = builder.Build();
        backend.UseWebSockets();
        backend.Run(async context =>
        {
            if (context.WebSockets.IsWebSocketRequest)
            {
                // Echoes one message, prefixed, then closes.
                using var socket = await context.WebSockets.AcceptWebSocketAsync();
                var buffer = new byte[256];
                var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
                await socket.SendAsync(System.Text.Encoding.UTF8.GetBytes("echo " + System.Text.Encoding.UTF8.GetString(buffer, 0, received.Count)),
                    System.Net.WebSockets.WebSocketMessageType.Text, true, CancellationToken.None);
                await socket.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
                return;
            }
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            await context.Response.WriteAsync($"live {context.Request.Method} {context.Request.Host} {context.Request.Headers["X-Forwarded-For"]} {body}".TrimEnd());
        });
        await backend.StartAsync();
        _owned.Add(backend);
        _live = new IPEndPoint(IPAddress.Loopback, new Uri(backend.Urls.First()).Port);

        var routes = IngressRouteTableBuilder.Build([NewIngress("web", 0, rules:
            [Rule("shop.example.com", Path("/", "Prefix", "web")), Rule("gone.example.com", Path("/", "Prefix", "no-such-service"))])]);
        var service = new Service { Metadata = new() { Name = "web", Namespace = "default" }, Spec = new ServiceSpec { Ports = [new ServicePort { Port = 80 }] } };
        var name = new ServicePortName("default", "web", "");
        // The refusing endpoint first: round robin sends every other request there first.
        var route = new ServiceRoute(name, [Endpoint(_refusing), Endpoint(_live)], "node-1", internalLocal: false, externalLocal: false);
        var snapshot = new RoutingSnapshot(new Dictionary<ServicePortName, ServiceRoute> { [name] = route }, new Dictionary<Frontend, FrontendTarget>(), new HashSet<IPAddress>(), []);
        var resolver = new IngressBackendResolver((ns, n) => ns == "default" && n == "web" ? service : null, () => snapshot);
        // No quarantine: every request meets the dead endpoint in its turn and must be replayed.
        var picker = new EndpointPicker(BalancingMode.RoundRobin, TimeProvider.System) { Quarantine = TimeSpan.Zero };
        var options = new IngressOptions { NodeName = "node-1", StatusAddress = "127.0.0.1", HttpPort = FreePort(), HttpsPort = 0 };
        var handler = new IngressRequestHandler(() => routes,
            new BackendForwarder(resolver, picker, new HttpMessageInvoker(new SocketsHttpHandler { UseProxy = false }), options, NullLogger.Instance));
        var listener = await IngressListener.StartAsync(new IngressEndpoint(IPAddress.Loopback, options.HttpPort, Tls: false), null, options, handler.HandleAsync, NullLoggerFactory.Instance,
            CancellationToken.None);
        _owned.Add(listener);
        _port = listener.Port;
    }

    public async Task DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }
    }

    private static RouteEndpoint Endpoint(IPEndPoint endPoint) => new(endPoint, Ready: true, Serving: true, Terminating: false, "node-1", null);

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpMethod method, string host, string path, string? body = null,
        Action<HttpRequestMessage>? change = null)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.Zero });
        using var request = new HttpRequestMessage(method, $"http://127.0.0.1:{_port}{path}") { Content = body is null ? null : new StringContent(body) };
        request.Headers.Host = host;
        change?.Invoke(request);
        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Every_request_is_answered_when_one_endpoint_refuses_connections()
    {
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal((HttpStatusCode.OK, "live GET shop.example.com 127.0.0.1"), await SendAsync(HttpMethod.Get, "shop.example.com", $"/items/{i}"));
        }
        // Not idempotent, but its body was not read when the connect was refused: safe to send to the next one.
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal((HttpStatusCode.OK, "live POST shop.example.com 127.0.0.1 order"), await SendAsync(HttpMethod.Post, "shop.example.com", "/orders", "order"));
        }
    }

    [Fact]
    public async Task A_websocket_upgrades_through_the_ingress()
    {
        using var socket = new System.Net.WebSockets.ClientWebSocket();
        socket.Options.SetRequestHeader("Host", "shop.example.com");
        // Whichever endpoint's turn it is: a refused upgrade is replayed on the live one before any answer.
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{_port}/chat"), CancellationToken.None);
        await socket.SendAsync("hello"u8.ToArray(), System.Net.WebSockets.WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[256];
        var received = await socket.ReceiveAsync(buffer, CancellationToken.None);

        Assert.Equal("echo hello", System.Text.Encoding.UTF8.GetString(buffer, 0, received.Count));
    }

    [Fact]
    public async Task The_client_forwarded_headers_are_replaced_not_trusted()
    {
        var answer = await SendAsync(HttpMethod.Get, "shop.example.com", "/", change: r => r.Headers.Add("X-Forwarded-For", "203.0.113.66"));

        Assert.Equal("live GET shop.example.com 127.0.0.1", answer.Body);
    }

    [Fact]
    public async Task No_rule_is_404_and_a_backend_service_that_does_not_exist_is_503()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, "unknown.example.com", "/")).Status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await SendAsync(HttpMethod.Get, "gone.example.com", "/")).Status);
    }

    [Fact]
    public async Task A_huge_url_gets_414_a_header_flood_431_and_other_requests_still_pass()
    {
        Assert.Equal(HttpStatusCode.RequestUriTooLong, (await SendAsync(HttpMethod.Get, "shop.example.com", "/" + new string('a', 10_000))).Status);
        var flood = await SendAsync(HttpMethod.Get, "shop.example.com", "/", change: r =>
        {
            for (var i = 0; i < 150; i++)
            {
                r.Headers.Add($"X-Flood-{i}", "x");
            }
        });
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, flood.Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "shop.example.com", "/")).Status);
    }
}
