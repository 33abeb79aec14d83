using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using Axolotl.Api.Metrics;
using Axolotl.Bench.Infrastructure;
using Axolotl.Bench.Measurement;
using Axolotl.Bench.Reporting;

namespace Axolotl.Bench.Scenarios;

/// <summary>
/// Prometheus scrapes at 100 and 10,000 pods: wall time of GET /metrics and /metrics/kube-state-metrics
/// (the kube-state-metrics families are computed from every pod at scrape time), median of 5 after a
/// warm-up, the size of each body as sent plain and gzipped (what Prometheus asks for), the number of
/// samples, and a check that no series appears twice. Target: a kube-state scrape at 10,000 pods under 1 s.
/// The timed scrapes start once the scheduler has stopped writing the new pods' PodScheduled=False
/// (no node here): a pod that changed is rendered again, so scrapes taken while 10,000 pods are being
/// written measure the churn, which is reported apart as the first scrape after the load.
/// </summary>
internal sealed class MetricsScrapeScenario : IScenario
{
    private const int Runs = 5;
    private const int Clients = 8;
    private static readonly int[] Sizes = [100, 10_000];

    public string Name => "metrics-scrape";

    public string Description => "Prometheus scrape time and size of /metrics and /metrics/kube-state-metrics at 100 and 10,000 pods";

    public TimeSpan Budget(bool quick) => TimeSpan.FromSeconds(quick ? 300 : 400);

    public async Task RunAsync(BenchContext context, ScenarioReport report, CancellationToken ct)
    {
        await using var server = await context.StartServerAsync(ct);
        using var api = context.Connect(server);
        var loaded = 0;
        foreach (var size in Sizes)
        {
            context.Log($"{Name}: loading pods up to {size:N0}");
            await PodLoader.CreateAsync(server.Kubeconfig, context.Http2, "default", loaded, size - loaded, Clients, "load", ct);
            loaded = size;
            var quiet = await WaitForQuietPodsAsync(api, ct);
            report.Add($"pods at {size:N0}: wait for the scheduler's status writes to stop", quiet.TotalSeconds, "s");
            foreach (var path in (string[])["/metrics", "/metrics/kube-state-metrics"])
            {
                var first = Stopwatch.GetTimestamp();
                var body = await api.GetAsync(path, ct, accept: "text/plain");
                report.Add($"{path} at {size:N0} pods: first scrape after the load", Stopwatch.GetElapsedTime(first).TotalMilliseconds, "ms");
                var wall = new LatencySamples($"GET {path}, {size:N0} pods");
                for (var run = 0; run < Runs; run++)
                {
                    var start = Stopwatch.GetTimestamp();
                    body = await api.GetAsync(path, ct, accept: "text/plain");
                    wall.Add(start, Stopwatch.GetTimestamp());
                }
                var summary = report.Add(wall, $"median of {Runs} after a warm-up");
                var text = Encoding.UTF8.GetString(body);
                var samples = text.Split('\n').Count(l => l.Length > 0 && l[0] != '#');
                var duplicates = DuplicateSeries.Find(text);
                report.Add($"{path} at {size:N0} pods: body", body.Length / 1024.0, "KiB");
                report.Add($"{path} at {size:N0} pods: gzipped", Gzipped(body) / 1024.0, "KiB");
                report.Add($"{path} at {size:N0} pods: samples", samples, "samples");
                report.Add($"{path} at {size:N0} pods: duplicate series", duplicates.Count, "series");
                if (path.EndsWith("kube-state-metrics", StringComparison.Ordinal) && size == Sizes[^1])
                {
                    report.Target($"kube-state scrape at {size:N0} pods (median)", summary.P50, 1000, "ms");
                }
            }
        }
    }

    /// <summary>
    /// Until the pods' status PATCHes (the scheduler's PodScheduled=False) stop growing for a second,
    /// as the server's own apiserver_request_total counts them; at most a minute.
    /// </summary>
    private static async Task<TimeSpan> WaitForQuietPodsAsync(ApiClient api, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var last = -1.0;
        while (Stopwatch.GetElapsedTime(started) < TimeSpan.FromMinutes(1))
        {
            var text = Encoding.UTF8.GetString(await api.GetAsync("/metrics", ct, accept: "text/plain"));
            var patches = text.Split('\n')
                .Where(l => l.StartsWith("apiserver_request_total{", StringComparison.Ordinal) && l.Contains("resource=\"pods\"", StringComparison.Ordinal)
                    && l.Contains("subresource=\"status\"", StringComparison.Ordinal) && l.Contains("verb=\"PATCH\"", StringComparison.Ordinal))
                .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
            if (patches == last)
            {
                break;
            }
            last = patches;
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
        return Stopwatch.GetElapsedTime(started);
    }

    private static long Gzipped(byte[] body)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(body);
        }
        return output.Length;
    }
}
