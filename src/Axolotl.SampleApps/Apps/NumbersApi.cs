using System.Globalization;
using Axolotl.SampleApps.Common;
using Microsoft.AspNetCore.Http;

namespace Axolotl.SampleApps.Apps;

/// <summary>
/// Stand-in for kiamol/ch03-numbers-api (seed 001, readiness and liveness): <c>/rng</c> answers a
/// random number; after <c>FailAfterCallCount</c> calls (kiamol's setting, or --fail-after) the
/// app is broken for good, <c>/rng</c> and <c>/healthz</c> answer 500, until <c>/reset</c>.
/// </summary>
public static class NumbersApi
{
    public static Task<int> RunAsync(AppArgs args)
    {
        var port = args.GetPort("port", 80);
        var failAfter = args.Get("fail-after") ?? Environment.GetEnvironmentVariable("FailAfterCallCount");
        var limit = string.IsNullOrEmpty(failAfter) ? 0 : int.Parse(failAfter, NumberStyles.Integer, CultureInfo.InvariantCulture);
        var random = new Random();
        var gate = new Lock();
        var calls = 0;
        var broken = false;
        Log.Line(limit > 0 ? $"numbers-api: will fail after {limit} calls" : "numbers-api: no failure configured");

        return HttpApp.RunAsync(port, async context =>
        {
            var path = context.Request.Path.Value ?? "/";
            int status;
            string body;
            lock (gate)
            {
                switch (path)
                {
                    case "/rng" when broken:
                        (status, body) = (500, "Unhealthy");
                        break;
                    case "/rng":
                        calls++;
                        (status, body) = (200, random.Next(0, 101).ToString(CultureInfo.InvariantCulture));
                        if (limit > 0 && calls >= limit)
                        {
                            broken = true;
                            Log.Line($"numbers-api: call count {calls} reached the failure limit, now unhealthy");
                        }

                        break;
                    case "/healthz":
                        (status, body) = broken ? (500, "Unhealthy") : (200, "Ok");
                        break;
                    case "/reset":
                        (broken, calls) = (false, 0);
                        (status, body) = (200, "Reset");
                        Log.Line("numbers-api: reset, healthy again");
                        break;
                    default:
                        (status, body) = (404, "Not found");
                        break;
                }
            }

            Log.Line($"{HttpApp.RemoteAddress(context)} \"{context.Request.Method} {path}\" {status}");
            context.Response.StatusCode = status;
            await context.Response.WriteAsync(body);
        });
    }
}
