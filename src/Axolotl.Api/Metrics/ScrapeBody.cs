using System.IO.Compression;
using System.Text;

namespace Axolotl.Api.Metrics;

/// <summary>
/// A scrape's answer, shared by the API server's and the agents' metrics endpoints: built in memory first,
/// so a failure mid-scrape is an error answer rather than a truncated exposition, and sent gzip'd when
/// the scraper accepts it (Prometheus always does; a 10,000-pod kube-state scrape shrinks about tenfold).
/// The endpoints only copy <see cref="ScrapeHeaders"/> onto their framework's response.
/// </summary>
public static class ScrapeBody
{
    public static async Task<MemoryStream> RenderAsync(MetricsRegistry registry, CancellationToken ct)
    {
        // Sized as the last scrape was: a 10 MB kube-state body would otherwise be copied through a dozen doublings.
        var buffer = new MemoryStream(registry.LastScrapeBytes);
        await using (var text = new StreamWriter(buffer, new UTF8Encoding(false), 1 << 16, leaveOpen: true))
        {
            await registry.WriteAsync(text, ct);
        }

        registry.LastScrapeBytes = (int)Math.Min(buffer.Length + (buffer.Length >> 4), Array.MaxLength);
        buffer.Position = 0;
        return buffer;
    }

    /// <summary>
    /// Renders one scrape, hands the response's headers to <paramref name="setHeaders"/> (called once,
    /// before any byte of the body), then writes the body to <paramref name="destination"/>.
    /// </summary>
    public static async Task ServeAsync(MetricsRegistry registry, string acceptEncoding, Action<ScrapeHeaders> setHeaders, Stream destination, CancellationToken ct)
    {
        using var body = await RenderAsync(registry, ct);
        var gzip = AcceptsGzip(acceptEncoding);
        // A gzip'd body is compressed while it is sent: its length is not known beforehand.
        setHeaders(new ScrapeHeaders(ExpositionWriter.ContentType, gzip ? "gzip" : null, gzip ? null : body.Length));
        await CopyAsync(body, destination, gzip, ct);
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

/// <summary>The headers of a scrape's 200 answer; <see cref="ContentEncoding"/> and <see cref="ContentLength"/> are left out when null.</summary>
public sealed record ScrapeHeaders(string ContentType, string? ContentEncoding, long? ContentLength);
