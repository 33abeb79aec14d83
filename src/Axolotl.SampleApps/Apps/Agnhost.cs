using System.Globalization;
using System.Runtime.InteropServices;
using Axolotl.SampleApps.Common;
using Microsoft.AspNetCore.Http;

namespace Axolotl.SampleApps.Apps;

/// <summary>
/// A subset of Kubernetes' agnhost test tool: <c>pause</c>, <c>liveness</c> (/healthz 200 for
/// 10 s, then 500), <c>netexec</c> (/hostname, /echo, /healthz, /exit), <c>serve-hostname</c>,
/// <c>grpc-health-checking</c> (the grpc-health app: gRPC health on --port 5000, NOT_SERVING after
/// --delay-unhealthy-sec when that is not negative).
/// </summary>
public static class Agnhost
{
    public static Task<int> RunAsync(AppArgs args)
    {
        var sub = args.Positional.Count > 0 ? args.Positional[0] : "";
        return sub switch
        {
            "pause" => PauseAsync(),
            "liveness" => LivenessAsync(),
            "netexec" => NetexecAsync(args),
            "serve-hostname" => ServeHostnameAsync(args),
            "grpc-health-checking" => GrpcHealthCheckingAsync(args),
            _ => Usage(sub),
        };
    }

    private static Task<int> GrpcHealthCheckingAsync(AppArgs args)
    {
        var forwarded = new List<string> { "--port", args.GetPort("port", 5000).ToString(CultureInfo.InvariantCulture) };
        if (args.GetInt("delay-unhealthy-sec", -1) is var delay and >= 0)
        {
            forwarded.AddRange(["--serving-for", $"{delay}s"]);
        }
        return GrpcHealth.RunAsync(new AppArgs(forwarded));
    }

    private static Task<int> Usage(string sub)
    {
        Log.Error(sub.Length == 0
            ? "agnhost: a subcommand is required: pause, liveness, netexec, serve-hostname, grpc-health-checking"
            : $"Error: unknown command \"{sub}\" for \"agnhost\"");
        return Task.FromResult(1);
    }

    private static async Task<int> PauseAsync()
    {
        using var done = new CancellationTokenSource();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; done.Cancel(); });
        using var intr = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; done.Cancel(); });
        Log.Line("Paused");
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, done.Token);
        }
        catch (OperationCanceledException)
        {
            Log.Line("Shutting down after receiving signal");
        }

        return 0;
    }

    private static Task<int> LivenessAsync()
    {
        var started = TimeProvider.System.GetTimestamp();
        return HttpApp.RunAsync(8080, async context =>
        {
            var elapsed = TimeProvider.System.GetElapsedTime(started);
            if (context.Request.Path == "/redirect")
            {
                context.Response.Redirect("/healthz");
                return;
            }

            if (elapsed > TimeSpan.FromSeconds(10))
            {
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                await context.Response.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"error: {elapsed.TotalSeconds:0.######}s"));
                return;
            }

            await context.Response.WriteAsync("ok");
        });
    }

    private static Task<int> NetexecAsync(AppArgs args)
    {
        var port = args.GetInt("http-port", 8080);
        var hostname = Environment.MachineName;
        var stop = new CancellationTokenSource();
        var exitCode = 0;
        Log.Line($"Started HTTP server on port {port}");
        return RunThen(HttpApp.RunAsync(port, async context =>
        {
            var path = context.Request.Path.Value ?? "/";
            Log.Line($"GET {path}");
            switch (path)
            {
                case "/hostname":
                    await context.Response.WriteAsync(hostname);
                    break;
                case "/echo":
                    await context.Response.WriteAsync(context.Request.Query["msg"].ToString());
                    break;
                case "/header":
                    // Upstream's netexec too: the value of the request header named by ?key=.
                    await context.Response.WriteAsync(context.Request.Headers[context.Request.Query["key"].ToString()].ToString());
                    break;
                case "/healthz":
                    await context.Response.WriteAsync("ok");
                    break;
                case "/exit":
                    exitCode = int.TryParse(context.Request.Query["code"], CultureInfo.InvariantCulture, out var c) ? c : 0;
                    await context.Response.WriteAsync("ok");
                    await stop.CancelAsync();
                    break;
                default:
                    await context.Response.WriteAsync(TimeProvider.System.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
                    break;
            }
        }, stopping: stop.Token), () => exitCode, stop);
    }

    private static Task<int> ServeHostnameAsync(AppArgs args)
    {
        var port = args.GetInt("port", 9376);
        var hostname = Environment.MachineName;
        Log.Line($"Serving on port {port}.");
        return HttpApp.RunAsync(port, context => context.Response.WriteAsync(hostname));
    }

    private static async Task<int> RunThen(Task<int> server, Func<int> exitCode, IDisposable owned)
    {
        using (owned)
        {
            var code = await server;
            return code != 0 ? code : exitCode();
        }
    }
}
