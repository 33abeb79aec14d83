using System.Globalization;
using System.Net.Http.Json;
using Axolotl.Api.Metrics;
using Axolotl.Api.Scheme;
using Axolotl.Api.Serialization;
using Axolotl.ApiServer.NodeProxy;
using Axolotl.ApiServer.Registry;
using Axolotl.Hosting;
using Microsoft.Extensions.Logging;

namespace Axolotl.ApiServer.Metrics;

/// <summary>
/// metrics-server's scrape loop inside the API server: every resolution (15 s by default, its
/// --metric-resolution) each Node's agent is asked for /stats/resource over the same mutually
/// verified TLS as logs and exec (<see cref="KubeletTls"/>), and the answers go into the
/// <see cref="ResourceMetricsCache"/>. A node that does not answer, or no longer exists, drops out,
/// so stale numbers are never served.
/// </summary>
public sealed partial class ResourceMetricsScraper(ObjectStore objects, KubeletTls tls, ResourceMetricsCache cache, TimeSpan resolution, TimeProvider clock, ILogger logger)
{
    /// <summary>metrics-server's default --metric-resolution.</summary>
    public static readonly TimeSpan DefaultResolution = TimeSpan.FromSeconds(15);

    public async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(resolution, clock);
        try
        {
            do
            {
                await ScrapeAllAsync(ct);
            }
            while (await timer.WaitForNextTickAsync(ct));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    public async Task ScrapeAllAsync(CancellationToken ct)
    {
        Storage.StoreListResult nodes;
        try
        {
            nodes = await objects.ListAsync(KnownResources.Nodes, null, 0, null, ct);
        }
        catch (Storage.StoreUnavailableException e)
        {
            LogStoreUnavailable(logger, e.Message);
            return;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var scrapes = new List<Task>();
        foreach (var entry in nodes.Items)
        {
            var node = ObjectStore.Decode(entry).Object;
            var name = node["metadata"]?["name"]?.GetValue<string>();
            if (name is null)
            {
                continue;
            }
            seen.Add(name);
            scrapes.Add(ScrapeAsync(name, KubeletTarget.Endpoint(node), ct));
        }
        await Task.WhenAll(scrapes);
        foreach (var gone in cache.Nodes.Where(n => !seen.Contains(n)))
        {
            cache.Forget(gone);
        }
    }

    private async Task ScrapeAsync(string node, (string Host, int Port)? endpoint, CancellationToken ct)
    {
        if (endpoint is not { } target)
        {
            cache.Forget(node);
            return;
        }
        var host = target.Host.Contains(':', StringComparison.Ordinal) ? $"[{target.Host}]" : target.Host;
        var url = new Uri($"https://{host}:{target.Port.ToString(CultureInfo.InvariantCulture)}/stats/resource");
        using var timeout = Deadline.After(resolution < TimeSpan.FromSeconds(10) ? resolution : TimeSpan.FromSeconds(10), clock, ct);
        try
        {
            var summary = await tls.ClientFor(node).GetFromJsonAsync<ResourceStatsSummary>(url, KubeJson.Options, timeout.Token);
            if (summary is not null)
            {
                cache.Record(node, summary);
            }
        }
        catch (Exception e) when (e is HttpRequestException or System.Text.Json.JsonException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            LogScrapeFailed(logger, node, e.Message);
            cache.Forget(node);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "resource metrics: scraping node {Node} failed: {Error}")]
    private static partial void LogScrapeFailed(ILogger logger, string node, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "resource metrics: cannot list nodes: {Error}")]
    private static partial void LogStoreUnavailable(ILogger logger, string error);
}
