using System.Net;
using Axolotl.Agent.Server.PortForward;
using Axolotl.Hosting.Logging;
using Axolotl.Hosting.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Axolotl.Agent.Server;

/// <summary>
/// The agent's own HTTPS endpoint, the kubelet's server API that the API server proxies pods/log
/// pods/exec, pods/attach and pods/portforward to: GET /containerLogs/{ns}/{pod}/{container}, WebSocket /exec/{ns}/{pod}/{container},
/// WebSocket /attach/{ns}/{pod}/{container}
/// and WebSocket /portForward/{ns}/{pod}.
/// Serves the node's certificate (signed by the kubelet CA) and only the API server's client certificate.
/// </summary>
public sealed partial class KubeletServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private KubeletServer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    /// <summary>The port actually bound (useful with port 0 in tests).</summary>
    public int Port { get; }

    public static async Task<KubeletServer> StartAsync(KubeletServerOptions options, IKubeletBackend backend, TimeProvider time, ILoggerFactory logging, CancellationToken ct)
    {
        var builder = EmbeddedWebHost.CreateSlimBuilder();
        builder.Logging.ForwardTo(logging); // Kestrel's own warnings and errors, in our log
        builder.Services.AddSingleton(logging);
        builder.WebHost.UseShutdownTimeout(TimeSpan.FromSeconds(2));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(options.BindAddress, options.Port, listen =>
            {
                // WebSockets (exec) need HTTP/1.1; plain requests may use h2.
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificateSelector = (_, _) => options.ServingCertificate(),
                    // Checked per request (401/403 with a body) rather than as a failed handshake.
                    ClientCertificateMode = ClientCertificateMode.AllowCertificate,
                    ClientCertificateValidation = (_, _, _) => true,
                });
            });
        });
        var app = builder.Build();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        var authorization = new KubeletClientAuthorization(options.ClientCa, options.AuthorizedClient, time);
        var logs = new ContainerLogsEndpoint(backend, time);
        var exec = new ExecEndpoint(backend, time);
        var attach = new AttachEndpoint(backend, time);
        var portForward = new PortForwardEndpoint(backend, options.PortForward, time);
        var log = logging.CreateLogger("Axolotl.Agent.Server");
        app.Run(ctx => HandleAsync(ctx, backend, authorization, logs, exec, attach, portForward, log));
        await app.StartAsync(ct);
        var bound = app.Urls.Select(u => new Uri(u).Port).FirstOrDefault(options.Port);
        return new KubeletServer(app, bound);
    }

    private static async Task HandleAsync(HttpContext ctx, IKubeletBackend backend, KubeletClientAuthorization authorization, ContainerLogsEndpoint logs, ExecEndpoint exec, AttachEndpoint attach, PortForwardEndpoint portForward, ILogger log)
    {
        try
        {
            var path = ctx.Request.Path.Value ?? "";
            if (path == "/healthz")
            {
                await ctx.Response.WriteAsync("ok", ctx.RequestAborted);
                return;
            }
            if (authorization.Check(ctx) is { } refused)
            {
                await KubeletResponses.WriteAsync(ctx, refused.Code, refused.Reason, refused.Message);
                return;
            }
            if (backend.Metrics?.For(path) is { } metrics && HttpMethods.IsGet(ctx.Request.Method))
            {
                await Metrics.KubeletMetricsEndpoints.ServeAsync(ctx, metrics);
                return;
            }
            var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
            switch (parts)
            {
                case ["containerLogs", var ns, var pod, var container] when HttpMethods.IsGet(ctx.Request.Method):
                    await logs.HandleAsync(ctx, ns, pod, container);
                    break;
                case ["exec", var ns, var pod, var container] when HttpMethods.IsGet(ctx.Request.Method) || HttpMethods.IsPost(ctx.Request.Method):
                    await exec.HandleAsync(ctx, ns, pod, container);
                    break;
                case ["attach", var ns, var pod, var container] when HttpMethods.IsGet(ctx.Request.Method) || HttpMethods.IsPost(ctx.Request.Method):
                    await attach.HandleAsync(ctx, ns, pod, container);
                    break;
                case ["portForward", var ns, var pod] when HttpMethods.IsGet(ctx.Request.Method):
                    await portForward.HandleAsync(ctx, ns, pod);
                    break;
                case ["stats", "resource"] when HttpMethods.IsGet(ctx.Request.Method) && backend.ResourceStats is { } stats:
                    await ResourceStatsEndpoint.WriteAsync(ctx, stats);
                    break;
                default:
                    await KubeletResponses.WriteAsync(ctx, 404, "NotFound", "the server could not find the requested resource");
                    break;
            }
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // The last line of defence of a request: report it as a Status instead of a dropped connection.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogFailed(log, e, ctx.Request.Path);
            await KubeletResponses.WriteAsync(ctx, 500, "InternalError", $"Internal error occurred: {e.Message}");
        }
    }

    public async Task StopAsync(CancellationToken ct) => await _app.StopAsync(ct);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [LoggerMessage(Level = LogLevel.Warning, Message = "kubelet endpoint request {Path} failed")]
    private static partial void LogFailed(ILogger logger, Exception e, string path);
}
