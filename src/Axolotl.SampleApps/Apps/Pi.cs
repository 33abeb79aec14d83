using System.Diagnostics;
using System.Globalization;
using Axolotl.SampleApps.Common;
using Microsoft.AspNetCore.Http;

namespace Axolotl.SampleApps.Apps;

/// <summary>
/// Stand-in for kiamol/ch05-pi (seed 001, CPU limits): computes pi to N decimal places on one
/// thread with Machin's formula in fixed point (<see cref="MachinPi"/>), so the time taken follows the CPU the
/// container gets. <c>Pi.Web.dll -m web</c> (the default) serves <c>/?dp=N</c> on :80;
/// <c>-m console -dp N</c> prints the digits and exits.
/// </summary>
public static class Pi
{
    private const int MaxDecimalPlaces = 200_000;

    public static async Task<int> RunAsync(AppArgs args)
    {
        var mode = args.Get("m") ?? "web";
        var dp = args.GetInt("dp", 6);
        var positional = args.Positional;
        for (var i = 0; i < positional.Count; i++)
        {
            switch (positional[i])
            {
                case "-m" when i + 1 < positional.Count:
                    mode = positional[++i];
                    break;
                case "-dp" when i + 1 < positional.Count:
                    dp = int.Parse(positional[++i], NumberStyles.Integer, CultureInfo.InvariantCulture);
                    break;
                default:
                    // "Pi.Web.dll" (the argument to dotnet) and anything else the real app takes.
                    break;
            }
        }

        if (mode == "console")
        {
            var watch = Stopwatch.StartNew();
            var digits = Compute(dp);
            Log.Line(digits);
            Log.Line($"Computed pi to {dp} decimal places in {watch.ElapsedMilliseconds} ms");
            return 0;
        }

        if (mode != "web")
        {
            Log.Error($"pi: unknown mode \"{mode}\" (use web or console)");
            return 1;
        }

        var port = args.GetPort("port", 80);
        return await HttpApp.RunAsync(port, async context =>
        {
            if (context.Request.Path != "/")
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                await context.Response.WriteAsync("Not found\n");
                return;
            }

            var query = context.Request.Query["dp"].ToString();
            var places = 6;
            if (query.Length > 0 && (!int.TryParse(query, NumberStyles.Integer, CultureInfo.InvariantCulture, out places) || places < 0 || places > MaxDecimalPlaces))
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                await context.Response.WriteAsync($"dp must be a whole number from 0 to {MaxDecimalPlaces}\n");
                return;
            }

            var watch = Stopwatch.StartNew();
            var pi = Compute(places);
            var ms = watch.ElapsedMilliseconds;
            Log.Line($"{HttpApp.RemoteAddress(context)} \"GET /?dp={places}\" 200 computed in {ms} ms");
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.WriteAsync(
                $"<!DOCTYPE html>\n<html>\n<head><title>Pi.Web</title></head>\n<body>\n<h1>Pi to {places} decimal places</h1>\n" +
                $"<p id=\"time\">Computed in {ms} ms on {Environment.MachineName}</p>\n<p id=\"pi\" style=\"word-wrap: break-word\">{pi}</p>\n</body>\n</html>\n");
        });
    }

    /// <summary>Pi truncated to <paramref name="decimalPlaces"/> places, e.g. 2 → "3.14".</summary>
    public static string Compute(int decimalPlaces) => MachinPi.Compute(decimalPlaces);
}
