using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Axolotl.SampleApps.Common;

/// <summary>
/// A bare Kestrel server on 0.0.0.0:port with one request handler: no DI beyond what the slim
/// builder needs, no framework logging. The host stops on SIGTERM and returns, so apps exit 0 as
/// ASP.NET services do.
/// </summary>
public static class HttpApp
{
    public static async Task<int> RunAsync(int port, RequestDelegate handler, CancellationToken stopping = default)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.ListenAnyIP(port));
        var app = builder.Build();
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
}
