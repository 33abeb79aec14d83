using System.IO.Compression;
using System.Text;

namespace Axolotl.Api.Metrics;

/// <summary>
/// A scrape's body, shared by the API server's and the agents' metrics endpoints: built in memory first,
/// so a failure mid-scrape is an error answer rather than a truncated exposition, and sent gzip'd when
/// the scraper accepts it (Prometheus always does; a 10,000-pod kube-state scrape shrinks about tenfold).
/// </summary>
public static class ScrapeBody
{
    public static async Task<MemoryStream> RenderAsync(MetricsRegistry registry, CancellationToken ct)
    {
        var buffer = new MemoryStream();
        await using (var text = new StreamWriter(buffer, new UTF8Encoding(false), 1 << 16, leaveOpen: true))
        {
            await registry.WriteAsync(text, ct);
        }

        buffer.Position = 0;
        return buffer;
    }

    public static bool AcceptsGzip(string acceptEncoding) => acceptEncoding.Contains("gzip", StringComparison.OrdinalIgnoreCase);

    public static async Task CopyAsync(MemoryStream body, Stream destination, bool gzip, CancellationToken ct)
    {
        if (!gzip)
        {
            await body.CopyToAsync(destination, ct);
            return;
        }

        await using var compressed = new GZipStream(destination, CompressionLevel.Fastest, leaveOpen: true);
        await body.CopyToAsync(compressed, ct);
    }
}
