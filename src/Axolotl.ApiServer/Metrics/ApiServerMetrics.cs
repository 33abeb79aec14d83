using System.Diagnostics;
using System.Diagnostics.Metrics;
using Axolotl.ApiServer.Http;
using Axolotl.ApiServer.Security;
using Microsoft.AspNetCore.Http;

namespace Axolotl.ApiServer.Metrics;

/// <summary>
/// kube-apiserver's request metrics under their upstream names, labels and buckets (STABLE in 1.32):
/// apiserver_request_total, apiserver_request_duration_seconds and apiserver_current_inflight_requests.
/// Labels come only from what the server recognises (a served resource, a known verb), never from the
/// raw path, so a client cannot grow the number of series by sending made-up URLs.
/// </summary>
public static class ApiServerMetrics
{
    public const string MeterName = "Axolotl.ApiServer";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Requests = Meter.CreateCounter<long>("apiserver_request_total",
        description: "[STABLE] Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.");

    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("apiserver_request_duration_seconds", "s",
        "[STABLE] Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.",
        advice: new InstrumentAdvice<double>
        {
            HistogramBucketBoundaries = [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60],
        });

    private static long _readOnly;
    private static long _mutating;

    static ApiServerMetrics()
    {
        Meter.CreateObservableGauge("apiserver_current_inflight_requests",
            () => new[]
            {
                new Measurement<long>(Interlocked.Read(ref _mutating), new KeyValuePair<string, object?>("request_kind", "mutating")),
                new Measurement<long>(Interlocked.Read(ref _readOnly), new KeyValuePair<string, object?>("request_kind", "readOnly")),
            },
            description: "[STABLE] Maximal number of currently used inflight request limit of this apiserver per request kind in last second.");
    }

    /// <summary>Runs one request and records it once it has an answer.</summary>
    public static async Task ObserveAsync(HttpContext ctx, Func<Task> handle)
    {
        var labels = RequestLabels.Of(ctx);
        // Long-running requests (watch, exec, proxy) are not in flight in upstream's sense: they hold no seat.
        var longRunning = labels.Verb is "WATCH" or "CONNECT";
        var mutating = labels.Verb is not ("GET" or "LIST" or "WATCH");
        if (!longRunning)
        {
            Interlocked.Increment(ref mutating ? ref _mutating : ref _readOnly);
        }
        var started = Stopwatch.GetTimestamp();
        try
        {
            await handle();
        }
        finally
        {
            if (!longRunning)
            {
                Interlocked.Decrement(ref mutating ? ref _mutating : ref _readOnly);
            }
            var tags = labels.Tags();
            Duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
            tags.Add("code", ctx.Response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Requests.Add(1, tags);
        }
    }
}
