using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Axolotl.Agent.Probes.Probers;
using Axolotl.Api.Core;
using Axolotl.Runtime.Fake;
using Axolotl.SampleApps.Apps;
using Axolotl.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Axolotl.Agent.Tests.Probes.Probers;

public sealed class GrpcProberTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private readonly ProbeRunner _runner = new(new FakeRuntime(TimeProvider.System), TimeProvider.System);
    private readonly string _statusFile = Path.Combine(Path.GetTempPath(), "grpc-health-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        _runner.Dispose();
        File.Delete(_statusFile);
    }

    [Fact]
    public async Task AServingServerIsHealthy()
    {
        await using var app = await StartHealthServerAsync(new GrpcHealthOptions());

        var result = await _runner.RunAsync(GrpcProbe(GrpcHealth.Port(app)), ProbeTestServer.Target(), Timeout, CancellationToken.None);

        Assert.Equal(ProbeResult.Success("service healthy"), result);
    }

    [Fact]
    public async Task NotServingFailsWithTheStatusName()
    {
        await File.WriteAllTextAsync(_statusFile, "NOT_SERVING\n");
        await using var app = await StartHealthServerAsync(new GrpcHealthOptions(StatusFile: _statusFile));

        var result = await _runner.RunAsync(GrpcProbe(GrpcHealth.Port(app)), ProbeTestServer.Target(), Timeout, CancellationToken.None);

        Assert.Equal(ProbeResult.Failure("service unhealthy (responded with \"NOT_SERVING\")"), result);
    }

    [Fact]
    public async Task TheStatusFollowsTheStatusFileAndTheServingTime()
    {
        var time = new FakeTimeProvider();
        await using var app = await StartHealthServerAsync(new GrpcHealthOptions(ServingFor: TimeSpan.FromSeconds(10), StatusFile: _statusFile), time);
        var probe = GrpcProbe(GrpcHealth.Port(app));

        var fresh = await _runner.RunAsync(probe, ProbeTestServer.Target(), Timeout, CancellationToken.None);
        await File.WriteAllTextAsync(_statusFile, "SERVICE_UNKNOWN");
        var fromFile = await _runner.RunAsync(probe, ProbeTestServer.Target(), Timeout, CancellationToken.None);
        File.Delete(_statusFile);
        time.Advance(TimeSpan.FromSeconds(10));
        var expired = await _runner.RunAsync(probe, ProbeTestServer.Target(), Timeout, CancellationToken.None);

        Assert.Equal(ProbeOutcome.Success, fresh.Outcome);
        Assert.Equal("service unhealthy (responded with \"SERVICE_UNKNOWN\")", fromFile.Output);
        Assert.Equal("service unhealthy (responded with \"NOT_SERVING\")", expired.Output);
    }

    [Fact]
    public async Task TheServiceNameIsSentAndAnUnknownOneIsNotFound()
    {
        await using var app = await StartHealthServerAsync(new GrpcHealthOptions(Services: ["shop.Cart"]));
        var port = GrpcHealth.Port(app);

        var known = await _runner.RunAsync(GrpcProbe(port, "shop.Cart"), ProbeTestServer.Target(), Timeout, CancellationToken.None);
        var unknown = await _runner.RunAsync(GrpcProbe(port, "shop.Billing"), ProbeTestServer.Target(), Timeout, CancellationToken.None);

        Assert.Equal(ProbeOutcome.Success, known.Outcome);
        Assert.Equal(ProbeResult.Failure("error: health rpc probe failed: rpc error: code = NotFound desc = unknown service"), unknown);
    }

    [Fact]
    public async Task AServerWithoutTheHealthServiceIsReportedAsNotImplementingIt()
    {
        await using var server = await ProbeTestServer.StartAsync(
            context =>
            {
                context.Response.ContentType = "application/grpc";
                context.Response.Headers["grpc-status"] = "12";
                context.Response.Headers["grpc-message"] = "unknown%20service%20grpc.health.v1.Health";
                return Task.CompletedTask;
            },
            HttpProtocols.Http2);

        var result = await _runner.RunAsync(GrpcProbe(server.Port), ProbeTestServer.Target(), Timeout, CancellationToken.None);

        Assert.Equal(ProbeResult.Failure("error: this server does not implement the grpc health protocol (grpc.health.v1.Health): unknown service grpc.health.v1.Health"), result);
    }

    [Fact]
    public async Task APlainHttp2ServerIsNotMistakenForGrpc()
    {
        await using var server = await ProbeTestServer.StartAsync(
            context =>
            {
                context.Response.StatusCode = 404;
                context.Response.ContentType = "text/plain";
                return context.Response.WriteAsync("no such page");
            },
            HttpProtocols.Http2);

        var result = await _runner.RunAsync(GrpcProbe(server.Port), ProbeTestServer.Target(), Timeout, CancellationToken.None);

        Assert.Equal(
            ProbeResult.Failure("error: this server does not implement the grpc health protocol (grpc.health.v1.Health): unexpected HTTP status code received from server: 404 (Not Found); transport: received unexpected content-type \"text/plain\""),
            result);
    }

    [Fact]
    public async Task AnHttp11OnlyServerFailsLikeGrpcGoReadingItsPreface()
    {
        // What nginx, python or Go's net/http answer to the HTTP/2 preface: an HTTP/1.1 error response.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var server = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            _ = await stream.ReadAsync(new byte[1024]);
            await stream.WriteAsync("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray());
        });

        var result = await _runner.RunAsync(GrpcProbe(port), ProbeTestServer.Target(), Timeout, CancellationToken.None);

        Assert.Equal(
            ProbeResult.Failure("error: health rpc probe failed: rpc error: code = Unavailable desc = connection error: desc = \"error reading server preface: http2: frame too large\""),
            result);
        await server.WaitAsync(Timeout);
    }

    [Fact]
    public async Task AKestrelHttp1PortRefusesHttp2WithAGoAway()
    {
        await using var server = await ProbeTestServer.StartAsync(context => context.Response.WriteAsync("hello"), HttpProtocols.Http1);

        var result = await _runner.RunAsync(GrpcProbe(server.Port), ProbeTestServer.Target(), Timeout, CancellationToken.None);

        Assert.Equal(
            ProbeResult.Failure("error: health rpc probe failed: rpc error: code = Unavailable desc = connection error: desc = \"initial http2 frame from server is not a settings frame: *http2.GoAwayFrame\""),
            result);
    }

    [Fact]
    public async Task AServerThatHangsUpAtOnceFailsWithEof()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var server = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
        });

        var result = await _runner.RunAsync(GrpcProbe(port), ProbeTestServer.Target(), Timeout, CancellationToken.None);

        Assert.Equal(
            ProbeResult.Failure("error: health rpc probe failed: rpc error: code = Unavailable desc = connection error: desc = \"error reading server preface: EOF\""),
            result);
        await server.WaitAsync(Timeout);
    }

    [Fact]
    public async Task AClosedPortFailsWithGrpcGosDialError()
    {
        var port = ProbeTestServer.ClosedPort();

        var result = await _runner.RunAsync(GrpcProbe(port), ProbeTestServer.Target(), Timeout, CancellationToken.None);

        Assert.Equal(
            ProbeResult.Failure($"error: health rpc probe failed: rpc error: code = Unavailable desc = connection error: desc = \"transport: Error while dialing: dial tcp 127.0.0.1:{port}: connect: connection refused\""),
            result);
    }

    [Fact]
    public async Task AHealthCheckThatNeverAnswersFailsWithinTheTimeout()
    {
        string? grpcTimeout = null;
        await using var server = await ProbeTestServer.StartAsync(
            context =>
            {
                grpcTimeout = context.Request.Headers["grpc-timeout"];
                return Task.Delay(System.Threading.Timeout.Infinite, context.RequestAborted);
            },
            HttpProtocols.Http2);
        var watch = Stopwatch.StartNew();

        var result = await _runner.RunAsync(GrpcProbe(server.Port), ProbeTestServer.Target(), TimeSpan.FromMilliseconds(300), CancellationToken.None);

        Assert.Equal(ProbeResult.Failure("timeout: health rpc did not complete within 300ms"), result);
        Assert.True(watch.Elapsed < Timeout, $"took {watch.Elapsed}");
        Assert.Equal("300m", grpcTimeout);
    }

    [Fact]
    public async Task TheRequestIsAGrpcCallWithTheKubeletUserAgent()
    {
        string? contentType = null, te = null, userAgent = null, protocol = null;
        byte[] body = [];
        await using var server = await ProbeTestServer.StartAsync(
            async context =>
            {
                contentType = context.Request.ContentType;
                te = context.Request.Headers["te"];
                userAgent = context.Request.Headers.UserAgent;
                protocol = context.Request.Protocol;
                using var buffer = new MemoryStream();
                await context.Request.Body.CopyToAsync(buffer);
                body = buffer.ToArray();
                context.Response.ContentType = "application/grpc";
                await context.Response.Body.WriteAsync(new byte[] { 0, 0, 0, 0, 2, 0x08, 0x01 });
                context.Response.AppendTrailer("grpc-status", "0");
            },
            HttpProtocols.Http2);

        var result = await _runner.RunAsync(GrpcProbe(server.Port, "a"), ProbeTestServer.Target(), Timeout, CancellationToken.None);

        Assert.Equal(ProbeOutcome.Success, result.Outcome);
        Assert.Equal("application/grpc", contentType);
        Assert.Equal("trailers", te);
        Assert.Equal("kube-probe/1.32", userAgent);
        Assert.Equal("HTTP/2", protocol);
        Assert.Equal(new byte[] { 0, 0, 0, 0, 3, 0x0A, 0x01, (byte)'a' }, body);
    }

    private static Task<WebApplication> StartHealthServerAsync(GrpcHealthOptions options, TimeProvider? time = null) =>
        GrpcHealth.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), options, time ?? TimeProvider.System, CancellationToken.None);

    private static Probe GrpcProbe(int port, string? service = null) =>
        new() { Grpc = new GRPCAction { Port = port, Service = service } };
}
