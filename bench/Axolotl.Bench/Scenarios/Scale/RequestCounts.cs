using System.Globalization;
using System.Text;
using System.Text.Json;
using Axolotl.Bench.Infrastructure;
using Axolotl.Bench.Measurement;
using Axolotl.Bench.Reporting;

namespace Axolotl.Bench.Scenarios.Scale;

/// <summary>
/// The API requests the load caused, per pod: the server's apiserver_request_total read before and after it,
/// by verb, resource and subresource (watches left out: they are long-running); and the Events in the pods'
/// namespaces by the component that wrote them, as objects and as the count they carry (a repeat PATCHed into a
/// series is one object with count 2). Who sends what follows from the resource: pods POSTs are the benchmark's,
/// pods/binding the scheduler's, pods/status the agents' (or the scheduler's on a failed attempt).
/// </summary>
internal sealed class RequestCounts
{
    private readonly Dictionary<string, double> _before;

    private RequestCounts(Dictionary<string, double> before) => _before = before;

    public static async Task<RequestCounts> StartAsync(ApiClient api, CancellationToken ct) => new(await ScrapeAsync(api, ct));

    /// <summary>Adds a table of requests per pod since the start, and the Events by component and reason.</summary>
    public async Task ReportAsync(ApiClient api, ScenarioReport report, int pods, IReadOnlyList<string> namespaces, CancellationToken ct)
    {
        var after = await ScrapeAsync(api, ct);
        var rows = after
            .Select(kv => (Key: kv.Key, Count: kv.Value - _before.GetValueOrDefault(kv.Key)))
            .Where(r => r.Count > 0)
            .OrderByDescending(r => r.Count)
            .Select(r => (IReadOnlyList<string>)[r.Key, r.Count.ToString("F0", CultureInfo.InvariantCulture), (r.Count / pods).ToString("F2", CultureInfo.InvariantCulture)])
            .ToList();
        var total = after.Sum(kv => kv.Value - _before.GetValueOrDefault(kv.Key));
        rows.Add(["all (watches excluded)", total.ToString("F0", CultureInfo.InvariantCulture), (total / pods).ToString("F2", CultureInfo.InvariantCulture)]);
        report.Tables.Add(new ReportTable($"API requests during the load, {pods:N0} pods (apiserver_request_total; verb resource/subresource code)",
            ["request", "count", "per pod"], rows));
        report.Add("API requests per pod under load", total / pods, "requests", "apiserver_request_total over the load, watches excluded; the table below splits them");

        // The components' event writers trail the load (one write at a time each, as client-go's broadcaster): wait
        // until they caught up, so that the whole pipeline's requests per pod are counted too.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var last = await EventCountAsync(api, namespaces, ct);
        for (var still = 0; still < 3 && waited.Elapsed < TimeSpan.FromSeconds(90);)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            var now = await EventCountAsync(api, namespaces, ct);
            still = now == last ? still + 1 : 0;
            last = now;
        }
        // The benchmark's own lists of the Events while it waited are left out.
        var settled = (await ScrapeAsync(api, ct)).Where(kv => !kv.Key.StartsWith("LIST events ", StringComparison.Ordinal)).ToList();
        var whole = settled.Sum(kv => kv.Value - _before.GetValueOrDefault(kv.Key));
        report.Add("API requests per pod, load and the event writers' backlog", whole / pods, "requests",
            $"apiserver_request_total from the load's start until the Events stopped growing ({waited.Elapsed.TotalSeconds:F0} s after the last pod ran); " +
            string.Join(", ", settled.Select(kv => (kv.Key, Count: kv.Value - _before.GetValueOrDefault(kv.Key))).Where(r => r.Count >= pods / 10)
                .OrderByDescending(r => r.Count).Select(r => $"{r.Key} {r.Count / pods:F2}")));

        var events = new Dictionary<string, (int Objects, long Count)>(StringComparer.Ordinal);
        foreach (var ns in namespaces)
        {
            using var list = JsonDocument.Parse(await api.GetAsync($"/api/v1/namespaces/{ns}/events", ct));
            foreach (var e in list.RootElement.GetProperty("items").EnumerateArray())
            {
                var component = e.TryGetProperty("source", out var source) && source.TryGetProperty("component", out var c) ? c.GetString() : null;
                var key = $"{component ?? e.GetProperty("reportingComponent").GetString()} {e.GetProperty("reason").GetString()}";
                var count = e.TryGetProperty("count", out var n) && n.ValueKind == JsonValueKind.Number ? n.GetInt64() : 1;
                var (objects, sum) = events.GetValueOrDefault(key);
                events[key] = (objects + 1, sum + count);
            }
        }
        report.Tables.Add(new ReportTable($"Events in the pods' namespaces (every pod, {namespaces.Count} namespaces)", ["component reason", "objects", "count"],
            [.. events.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (IReadOnlyList<string>)[kv.Key,
                kv.Value.Objects.ToString(CultureInfo.InvariantCulture), kv.Value.Count.ToString(CultureInfo.InvariantCulture)])]));
    }

    private static async Task<int> EventCountAsync(ApiClient api, IReadOnlyList<string> namespaces, CancellationToken ct)
    {
        var count = 0;
        foreach (var ns in namespaces)
        {
            using var list = JsonDocument.Parse(await api.GetAsync($"/api/v1/namespaces/{ns}/events", ct));
            count += list.RootElement.GetProperty("items").GetArrayLength();
        }
        return count;
    }

    /// <summary>apiserver_request_total summed by "VERB resource[/subresource] code", watches left out.</summary>
    private static async Task<Dictionary<string, double>> ScrapeAsync(ApiClient api, CancellationToken ct)
    {
        var counts = new Dictionary<string, double>(StringComparer.Ordinal);
        var text = Encoding.UTF8.GetString(await api.GetAsync("/metrics", ct));
        foreach (var (labels, value) in PrometheusText.Samples(text, "apiserver_request_total"))
        {
            var verb = labels.GetValueOrDefault("verb", "");
            if (verb == "WATCH")
            {
                continue;
            }
            var resource = labels.GetValueOrDefault("resource", "");
            var sub = labels.GetValueOrDefault("subresource", "");
            var key = $"{verb} {(resource.Length == 0 ? "(non-resource)" : resource)}{(sub.Length > 0 ? "/" + sub : "")} {labels.GetValueOrDefault("code", "")}";
            counts[key] = counts.GetValueOrDefault(key) + value;
        }
        return counts;
    }
}
