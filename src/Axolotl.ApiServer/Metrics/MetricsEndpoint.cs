using Axolotl.Api.Metrics;
using Microsoft.AspNetCore.Http;

namespace Axolotl.ApiServer.Metrics;

/// <summary>Serves one registry as a Prometheus scrape (text format 0.0.4, gzip when asked; see <see cref="ScrapeBody"/>).</summary>
public sealed class MetricsEndpoint(MetricsRegistry registry)
{
    public MetricsRegistry Registry => registry;

    public Task ServeAsync(HttpContext ctx) => ServeAsync(ctx, registry);

    /// <summary>Any registry as a scrape: the agent's kubelet endpoints answer the same way.</summary>
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
}
