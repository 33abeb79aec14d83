using Axolotl.SampleApps.Common;
using Microsoft.AspNetCore.Http;

namespace Axolotl.SampleApps.Apps;

/// <summary>
/// Stand-in for luksa/kubia-unhealthy (seed 004): HTTP on :8080, "You've hit HOSTNAME" for the
/// first five requests, then 500 for every request, so an HTTP liveness probe starts failing.
/// Like the original (node as PID 1) it ignores SIGTERM unless <c>--honor-sigterm</c>, so a liveness
/// kill ends in SIGKILL after the grace period: Exit Code 137, as the seed's describe shows.
/// </summary>
public static class KubiaUnhealthy
{
    public static Task<int> RunAsync(AppArgs args)
    {
        var port = args.GetPort("port", 8080);
        var healthy = args.GetInt("healthy-requests", 5);
        var hostname = Environment.MachineName;
        var ignoreSigterm = !args.GetBool("honor-sigterm");
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
        }, ignoreSigterm: ignoreSigterm);
    }
}
