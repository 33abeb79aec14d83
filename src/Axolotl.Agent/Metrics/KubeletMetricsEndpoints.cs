using System.Diagnostics.Metrics;
using Axolotl.Api.Metrics;
using Microsoft.AspNetCore.Http;

namespace Axolotl.Agent.Metrics;

/// <summary>
/// The kubelet's three scrape endpoints on the agent's port: /metrics (the kubelet's own families and
/// this node's healing histograms), /metrics/resource (resource metrics, as metrics-server reads them)
/// and /metrics/cadvisor (per-container cgroup usage with cAdvisor's labels). Only the API server's
/// client certificate reaches them, as for the agent's other endpoints; scrapers go through the API
/// server's nodes/NODE/proxy.
/// </summary>
public sealed class KubeletMetricsEndpoints : IDisposable
{
    private readonly MetricsRegistry _kubelet;
    private readonly MetricsRegistry _resource = new(_ => false);
    private readonly MetricsRegistry _cadvisor = new(_ => false);

    /// <param name="meters">This agent's own meters (<see cref="KubeletMetrics"/>, <see cref="HealingMetrics"/>): other agents of the process have theirs.</param>
    public KubeletMetricsEndpoints(KubeletMetricsSource source, params Meter[] meters)
    {
        _kubelet = new(instrument => meters.Any(m => ReferenceEquals(m, instrument.Meter)) || instrument.Meter.Name == global::Axolotl.Hosting.Memory.MemoryReclaimer.MeterName);
        _kubelet.Add(new KubeletCollector(source));
        // The process's own figures, as the kubelet serves them (a local agent shares them with its server).
        _kubelet.Add(new ProcessCollector());
        _resource.Add(new ResourceMetricsCollector(source, cadvisor: false));
        _cadvisor.Add(new ResourceMetricsCollector(source, cadvisor: true));
    }

    /// <summary>The registry for a path under /metrics, or null when it is not one of the three.</summary>
    public MetricsRegistry? For(string path) => path switch
    {
        "/metrics" => _kubelet,
        "/metrics/resource" => _resource,
        "/metrics/cadvisor" => _cadvisor,
        _ => null,
    };

    public static Task ServeAsync(HttpContext ctx, MetricsRegistry registry) =>
        ScrapeBody.ServeAsync(registry, ctx.Request.Headers.AcceptEncoding.ToString(), headers =>
        {
            ctx.Response.StatusCode = StatusCodes.Status200OK;
            ctx.Response.ContentType = headers.ContentType;
            ctx.Response.ContentLength = headers.ContentLength;
            if (headers.ContentEncoding is { } encoding)
            {
                ctx.Response.Headers.ContentEncoding = encoding;
            }
        }, ctx.Response.Body, ctx.RequestAborted);

    public void Dispose()
    {
        _kubelet.Dispose();
        _resource.Dispose();
        _cadvisor.Dispose();
    }
}
