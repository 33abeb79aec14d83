using System.IO.Compression;
using System.Text;
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
        using var buffer = new MemoryStream();
        await using (var text = new StreamWriter(buffer, new UTF8Encoding(false), 1 << 16, leaveOpen: true))
        {
            await registry.WriteAsync(text, ctx.RequestAborted);
        }
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = ExpositionWriter.ContentType;
        buffer.Position = 0;
        if (ctx.Request.Headers.AcceptEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase))
        {
            ctx.Response.Headers.ContentEncoding = "gzip";
            await using var gzip = new GZipStream(ctx.Response.Body, CompressionLevel.Fastest, leaveOpen: true);
            await buffer.CopyToAsync(gzip, ctx.RequestAborted);
            return;
        }
        ctx.Response.ContentLength = buffer.Length;
        await buffer.CopyToAsync(ctx.Response.Body, ctx.RequestAborted);
    }
}
