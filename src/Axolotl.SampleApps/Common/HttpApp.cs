using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using System.Runtime.InteropServices;

namespace Axolotl.SampleApps.Common;

/// <summary>
/// A bare Kestrel server on 0.0.0.0:port with one request handler: no DI beyond what the slim
/// builder needs, no framework logging. The host stops on SIGTERM and returns, so apps exit 0 as
/// ASP.NET services do. With <c>ignoreSigterm</c> the app behaves like a Node server running as
/// PID 1 in a container (seed 004's kubia): SIGTERM does nothing, so only SIGKILL (137) stops it.
/// </summary>
public static class HttpApp
{
    public static async Task<int> RunAsync(int port, RequestDelegate handler, bool ignoreSigterm = false, CancellationToken stopping = default)
    {
        var builder = WebApplication.CreateSlimBuilder(AppWebHost.Options);
        builder.Logging.ClearProviders();
        using var sigterm = ignoreSigterm ? PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => c.Cancel = true) : null;
        if (ignoreSigterm)
        {
            builder.Services.AddSingleton<IHostLifetime, SignalBlindLifetime>();
        }
        builder.WebHost.UseKestrel(o => o.ListenAnyIP(port));
        var app = builder.Build();
        // Only upgrade requests reach it; apps that serve WebSockets check context.WebSockets.
        app.UseWebSockets();
        app.Run(handler);
        try
        {
            await app.StartAsync(stopping);
        }
        catch (IOException e)
        {
            // Port already in use: fail as a Node or Go server does, with exit code 1.
            Log.Error($"listen tcp 0.0.0.0:{port}: {e.Message}");
            return 1;
        }

        Log.Line($"listening on 0.0.0.0:{port}");
        await app.WaitForShutdownAsync(stopping);
        return 0;
    }

    public static string RemoteAddress(HttpContext context)
    {
        var ip = context.Connection.RemoteIpAddress;
        if (ip is null)
        {
            return "unknown";
        }

        return (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString();
    }

    /// <summary>A host lifetime that does not hook SIGTERM/SIGINT (the default one stops the host on them).</summary>
    private sealed class SignalBlindLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
