using Axolotl.Api.Metrics;
using Microsoft.AspNetCore.Http;

namespace Axolotl.ApiServer.Metrics;

/// <summary>
/// Serves one registry as a Prometheus scrape: text format 0.0.4, gzip when the scraper asks for it
/// (Prometheus always does; a 10,000-pod kube-state scrape shrinks about tenfold). The body is built
/// in memory first, so a failure mid-scrape is a Status rather than a truncated exposition.
/// </summary>
public sealed class MetricsEndpoint(MetricsRegistry registry)
{
    public MetricsRegistry Registry => registry;

    public async Task ServeAsync(HttpContext ctx)
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
}
