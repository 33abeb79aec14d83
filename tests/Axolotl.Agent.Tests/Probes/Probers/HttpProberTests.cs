using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Axolotl.Agent.Probes.Probers;
using Axolotl.Agent.Server;
using Axolotl.Api.Core;
using Axolotl.Runtime.Fake;
using Microsoft.AspNetCore.Http;

namespace Axolotl.Agent.Tests.Probes.Probers;

public sealed class HttpProberTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(300);
    private readonly ProbeRunner _runner = new(new FakeRuntime(TimeProvider.System), TimeProvider.System);

    public void Dispose() => _runner.Dispose();

    [Theory]
    [InlineData(200, ProbeOutcome.Success)]
    [InlineData(204, ProbeOutcome.Success)]
    [InlineData(299, ProbeOutcome.Success)]
    [InlineData(304, ProbeOutcome.Warning)]
    [InlineData(399, ProbeOutcome.Warning)]
    [InlineData(400, ProbeOutcome.Failure)]
    [InlineData(404, ProbeOutcome.Failure)]
    [InlineData(500, ProbeOutcome.Failure)]
    public async Task TheStatusCodeDecidesTheOutcome(int code, ProbeOutcome expected)
    {
        await using var server = await ProbeTestServer.StartAsync(context =>
        {
            context.Response.StatusCode = code;
            return Task.CompletedTask;
        });

        var result = await _runner.RunAsync(HttpProbe(server.Port), ProbeTestServer.Target(), Timeout, CancellationToken.None);

        Assert.Equal(expected, result.Outcome);
        if (expected == ProbeOutcome.Failure)
        {
            Assert.Equal($"HTTP probe failed with statuscode: {code}", result.Output);
            // Lifecycle hooks read it: an answer, whatever its code, is a hook's success.
            Assert.Equal(code, result.HttpStatus);
        }
        else
        {
            Assert.Null(result.HttpStatus);
        }
    }

    [Fact]
    public async Task ASuccessfulProbeReturnsTheBodyAsOutput()
    {
        await using var server = await ProbeTestServer.StartAsync(context => context.Response.WriteAsync("ok"));

        var result = await _runner.RunAsync(HttpProbe(server.Port, "/healthz"), ProbeTestServer.Target(), Timeout, CancellationToken.None);

        Assert.Equal(ProbeResult.Success("ok"), result);
    }

    [Fact]
    public async Task TheRequestCarriesTheKubeletDefaultsAndThePath()
    {
        string? userAgent = null, accept = null, connection = null, path = null, query = null, encoding = null;
        await using var server = await ProbeTestServer.StartAsync(context =>
        {
            userAgent = context.Request.Headers.UserAgent;
            accept = context.Request.Headers.Accept;
            connection = context.Request.Headers.Connection;
            encoding = context.Request.Headers.AcceptEncoding;
            path = context.Request.Path;
            query = context.Request.QueryString.Value;
            return Task.CompletedTask;
        });

        var result = await _runner.RunAsync(HttpProbe(server.Port, "/ready?full=1"), ProbeTestServer.Target(), Timeout, CancellationToken.None);

        Assert.Equal(ProbeOutcome.Success, result.Outcome);
        Assert.Equal("kube-probe/1.32", userAgent);
        Assert.Equal("*/*", accept);
        Assert.Equal("close", connection);
        Assert.Null(encoding);
        Assert.Equal("/ready", path);
        Assert.Equal("?full=1", query);
    }

    [Fact]
    public async Task ConfiguredHeadersAreSentAndAHostHeaderSetsTheHost()
    {
        string? host = null, custom = null, userAgent = null;
        bool hasAccept = true;
        await using var server = await ProbeTestServer.StartAsync(context =>
        {
            host = context.Request.Host.Value;
            custom = context.Request.Headers["X-Custom"];
            userAgent = context.Request.Headers.UserAgent;
            hasAccept = context.Request.Headers.ContainsKey("Accept");
            return Task.CompletedTask;
        });
        var probe = HttpProbe(server.Port);
        probe.HttpGet!.HttpHeaders =
        [
            new HTTPHeader { Name = "Host", Value = "health.example.com" },
            new HTTPHeader { Name = "X-Custom", Value = "yes" },
            new HTTPHeader { Name = "user-agent", Value = "my-agent" },
            new HTTPHeader { Name = "Accept", Value = "" },
        ];

        var result = await _runner.RunAsync(probe, ProbeTestServer.Target(), Timeout, CancellationToken.None);

        Assert.Equal(ProbeOutcome.Success, result.Outcome);
        Assert.Equal("health.example.com", host);
        Assert.Equal("yes", custom);
        Assert.Equal("my-agent", userAgent);
        Assert.False(hasAccept);
    }

    [Fact]
    public async Task ANamedPortIsResolvedFromTheContainerPorts()
    {
        await using var server = await ProbeTestServer.StartAsync(context => context.Response.WriteAsync("named"));
        var probe = new Probe { HttpGet = new HTTPGetAction { Port = "http-health" } };

        var result = await _runner.RunAsync(probe, ProbeTestServer.Target(new ContainerPort { Name = "http-health", ContainerPortNumber = server.Port }), Timeout, CancellationToken.None);

        Assert.Equal(ProbeResult.Success("named"), result);
    }

    [Fact]
    public async Task AnUnknownPortNameFailsWithUpstreamsMessage()
    {
        var probe = new Probe { HttpGet = new HTTPGetAction { Port = "metrics" } };

        var result = await _runner.RunAsync(probe, ProbeTestServer.Target(new ContainerPort { Name = "http", ContainerPortNumber = 8080 }), Timeout, CancellationToken.None);

        Assert.Equal(ProbeResult.Failure("strconv.Atoi: parsing \"metrics\": invalid syntax"), result);
    }

    [Fact]
    public async Task AClosedPortFailsWithGosConnectionRefusedText()
    {
        var port = ProbeTestServer.ClosedPort();

        var result = await _runner.RunAsync(HttpProbe(port, "/healthz"), ProbeTestServer.Target(), Timeout, CancellationToken.None);

        Assert.Equal(ProbeResult.Failure($"Get \"http://127.0.0.1:{port}/healthz\": dial tcp 127.0.0.1:{port}: connect: connection refused"), result);
    }

    [Fact]
    public async Task APathThatNeverAnswersFailsWithinTheTimeout()
    {
        await using var server = await ProbeTestServer.StartAsync(context => Task.Delay(System.Threading.Timeout.Infinite, context.RequestAborted));
        var watch = Stopwatch.StartNew();

        var result = await _runner.RunAsync(HttpProbe(server.Port, "/hang"), ProbeTestServer.Target(), Short, CancellationToken.None);

        Assert.Equal(ProbeResult.Failure($"Get \"http://127.0.0.1:{server.Port}/hang\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"), result);
        Assert.True(watch.Elapsed < Timeout, $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task ABodyThatStopsHalfwayFailsWithinTheTimeout()
    {
        await using var server = await ProbeTestServer.StartAsync(async context =>
        {
            await context.Response.WriteAsync("partial");
            await context.Response.Body.FlushAsync();
            await Task.Delay(System.Threading.Timeout.Infinite, context.RequestAborted);
        });

        var result = await _runner.RunAsync(HttpProbe(server.Port), ProbeTestServer.Target(), Short, CancellationToken.None);

        Assert.Equal(ProbeResult.Failure("context deadline exceeded (Client.Timeout or context cancellation while reading body)"), result);
    }

    [Theory]
    [InlineData(10L * 1024 * 1024)]
    [InlineData(long.MaxValue)]
    public async Task OnlyTenKibOfAHugeOrEndlessBodyIsReadAndTheConnectionIsDropped(long size)
    {
        var hungUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await ProbeTestServer.StartAsync(async context =>
        {
            var chunk = new byte[64 * 1024];
            Array.Fill(chunk, (byte)'x');
            try
            {
                for (var sent = 0L; sent < size; sent += chunk.Length)
                {
                    await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
                hungUp.TrySetResult();
            }
        });

        var result = await _runner.RunAsync(HttpProbe(server.Port), ProbeTestServer.Target(), Timeout, CancellationToken.None);

        Assert.Equal(ProbeOutcome.Success, result.Outcome);
        Assert.Equal(new string('x', 10 * 1024), result.Output);
        if (size == long.MaxValue)
        {
            // The prober closed the connection instead of draining an endless body.
            await hungUp.Task.WaitAsync(Timeout);
        }
    }

    [Fact]
    public async Task ARedirectToTheSameHostIsFollowed()
    {
        await using var server = await ProbeTestServer.StartAsync(async context =>
        {
            if (context.Request.Path == "/old")
            {
                context.Response.Redirect("/new");
                return;
            }

            await context.Response.WriteAsync("moved here");
        });

        var result = await _runner.RunAsync(HttpProbe(server.Port, "/old"), ProbeTestServer.Target(), Timeout, CancellationToken.None);

        Assert.Equal(ProbeResult.Success("moved here"), result);
    }

    [Fact]
    public async Task ARelativeRedirectKeepsTheHostHeader()
    {
        var hosts = new ConcurrentQueue<string>();
        await using var server = await ProbeTestServer.StartAsync(context =>
        {
            hosts.Enqueue(context.Request.Host.Value ?? "");
            if (context.Request.Path == "/old")
            {
                context.Response.Redirect("/new");
            }

            return Task.CompletedTask;
        });
        var probe = HttpProbe(server.Port, "/old");
        probe.HttpGet!.HttpHeaders = [new HTTPHeader { Name = "Host", Value = "svc.local" }];

        var result = await _runner.RunAsync(probe, ProbeTestServer.Target(), Timeout, CancellationToken.None);

        Assert.Equal(ProbeOutcome.Success, result.Outcome);
        Assert.Equal(["svc.local", "svc.local"], hosts);
    }

    [Fact]
    public async Task ARedirectToAnotherHostIsAWarningWithTheRedirectBody()
    {
        await using var server = await ProbeTestServer.StartAsync(async context =>
        {
            context.Response.StatusCode = 302;
            context.Response.Headers.Location = $"http://localhost:{context.Connection.LocalPort}/elsewhere";
            await context.Response.WriteAsync("go elsewhere");
        });

        var result = await _runner.RunAsync(HttpProbe(server.Port), ProbeTestServer.Target(), Timeout, CancellationToken.None);

        Assert.Equal(ProbeResult.Warning("Probe terminated redirects, Response body: go elsewhere"), result);
    }

    [Fact]
    public async Task NineRedirectsAreFollowedButTheTenthIsNot()
    {
        var requests = 0;
        await using var server = await ProbeTestServer.StartAsync(async context =>
        {
            Interlocked.Increment(ref requests);
            var step = int.Parse(context.Request.Path.Value!.TrimStart('/'), System.Globalization.CultureInfo.InvariantCulture);
            var last = int.Parse(context.Request.Query["last"]!, System.Globalization.CultureInfo.InvariantCulture);
            if (step < last)
            {
                context.Response.Redirect($"/{step + 1}?last={last}");
                return;
            }

            await context.Response.WriteAsync("arrived");
        });

        var nine = await _runner.RunAsync(HttpProbe(server.Port, "/0?last=9"), ProbeTestServer.Target(), Timeout, CancellationToken.None);
        var ten = await _runner.RunAsync(HttpProbe(server.Port, "/0?last=10"), ProbeTestServer.Target(), Timeout, CancellationToken.None);

        Assert.Equal(ProbeResult.Success("arrived"), nine);
        Assert.Equal(ProbeResult.Failure("Get \"/10?last=10\": stopped after 10 redirects"), ten);
        Assert.Equal(20, requests);
    }

    [Fact]
    public async Task ARedirectLoopEndsAfterTenRequestsInsteadOfRunningIntoTheTimeout()
    {
        await using var server = await ProbeTestServer.StartAsync(context =>
        {
            context.Response.Redirect("/loop");
            return Task.CompletedTask;
        });

        // The whole budget of a real probe: ten requests on a busy machine can take longer than Short.
        var result = await _runner.RunAsync(HttpProbe(server.Port, "/loop"), ProbeTestServer.Target(), Timeout, CancellationToken.None);

        Assert.Equal(ProbeResult.Failure("Get \"/loop\": stopped after 10 redirects"), result);
    }

    [Fact]
    public async Task HttpsIsProbedWithoutCheckingTheCertificate()
    {
        // Signed by a CA the prober has never heard of, for another host: the kubelet probes HTTPS without verifying either.
        using var pki = new Axolotl.Testing.TestPki();
        using var certificate = pki.Serving("not-this-host", addresses: []);
        await using var server = await ProbeTestServer.StartAsync(
            context => context.Response.WriteAsync(context.Request.Scheme),
            Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http1,
            certificate);
        var probe = HttpProbe(server.Port);
        probe.HttpGet!.Scheme = "HTTPS";

        var result = await _runner.RunAsync(probe, ProbeTestServer.Target(), Timeout, CancellationToken.None);

        Assert.Equal(ProbeResult.Success("https"), result);
    }

    [Fact]
    public async Task AnExplicitHostIsUsedInsteadOfThePodIp()
    {
        await using var server = await ProbeTestServer.StartAsync(context => context.Response.WriteAsync("via host"));
        var probe = HttpProbe(server.Port);
        probe.HttpGet!.Host = "127.0.0.1";
        var target = ProbeTestServer.Target() with { PodIp = "192.0.2.1" };

        var result = await _runner.RunAsync(probe, target, Timeout, CancellationToken.None);

        Assert.Equal(ProbeResult.Success("via host"), result);
    }

    [Fact]
    public async Task CancellingTheCallerTokenThrowsInsteadOfFailing()
    {
        await using var server = await ProbeTestServer.StartAsync(context => Task.Delay(System.Threading.Timeout.Infinite, context.RequestAborted));
        using var cts = new CancellationTokenSource();

        var probe = _runner.RunAsync(HttpProbe(server.Port), ProbeTestServer.Target(), Timeout, cts.Token);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => probe);
    }

    private static Probe HttpProbe(int port, string? path = null) =>
        new() { HttpGet = new HTTPGetAction { Port = port, Path = path } };
}
