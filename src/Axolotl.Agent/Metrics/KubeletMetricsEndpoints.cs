using Axolotl.Api.Metrics;
using Microsoft.AspNetCore.Http;

namespace Axolotl.Agent.Metrics;

/// <summary>
/// The kubelet's three scrape endpoints on the agent's port: /metrics (the kubelet's own families),
/// /metrics/resource (resource metrics, as metrics-server reads them) and /metrics/cadvisor (per-container
/// cgroup usage with cAdvisor's labels). Only the API server's client certificate reaches them, as for
/// the agent's other endpoints; scrapers go through the API server's nodes/NODE/proxy.
/// </summary>
public sealed class KubeletMetricsEndpoints : IDisposable
{
    private readonly MetricsRegistry _kubelet = new(_ => false);
    private readonly MetricsRegistry _resource = new(_ => false);
    private readonly MetricsRegistry _cadvisor = new(_ => false);

    public KubeletMetricsEndpoints(KubeletMetricsSource source)
    {
        _kubelet.Add(new KubeletCollector(source));
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

    public static async Task ServeAsync(HttpContext ctx, MetricsRegistry registry)
    {
        using var body = await ScrapeBody.RenderAsync(registry, ctx.RequestAborted);
        var gzip = ScrapeBody.AcceptsGzip(ctx.Request.Headers.AcceptEncoding.ToString());
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = ExpositionWriter.ContentType;
        if (gzip)
        {
            ctx.Response.Headers.ContentEncoding = "gzip";
        }
        else
        {
            ctx.Response.ContentLength = body.Length;
        }
        await ScrapeBody.CopyAsync(body, ctx.Response.Body, gzip, ctx.RequestAborted);
    }

    public void Dispose()
    {
        _kubelet.Dispose();
        _resource.Dispose();
        _cadvisor.Dispose();
    }
}
