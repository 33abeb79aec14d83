using Axolotl.SampleApps.Common;
using Microsoft.AspNetCore.Http;

namespace Axolotl.SampleApps.Apps;

/// <summary>
/// Stand-in for luksa/kubia-unhealthy (seed 004): HTTP on :8080, "You've hit HOSTNAME" for the
/// first five requests, then 500 for every request, so an HTTP liveness probe starts failing.
/// </summary>
public static class KubiaUnhealthy
{
    public static Task<int> RunAsync(AppArgs args)
    {
        var port = args.GetPort("port", 8080);
        var healthy = args.GetInt("healthy-requests", 5);
        var hostname = Environment.MachineName;
        var count = 0;
        Log.Line("Kubia server starting...");
        return HttpApp.RunAsync(port, async context =>
        {
            Log.Line($"Received request from {HttpApp.RemoteAddress(context)}");
            if (Interlocked.Increment(ref count) > healthy)
            {
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                await context.Response.WriteAsync("I'm not well. Please restart me!");
                return;
            }

            await context.Response.WriteAsync($"You've hit {hostname}\n");
        });
    }
}
