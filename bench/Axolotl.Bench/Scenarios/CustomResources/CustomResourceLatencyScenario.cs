using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Axolotl.Bench.Infrastructure;
using Axolotl.Bench.Measurement;
using Axolotl.Bench.Reporting;

namespace Axolotl.Bench.Scenarios.CustomResources;

/// <summary>
/// Issue 35's benchmark. On one airgap server: a realistic CRD (<see cref="WidgetManifests"/>) created and waited
/// for until Established; then its custom resources and ConfigMaps of about the same size, interleaved request by
/// request over the same HTTP/2 (or HTTP/1.1) JSON connection: creates (each also timed to its ADDED event on a
/// watch of its collection), gets in a fixed pseudo-random order, unpaginated lists of all of them, and updates
/// (PUT with the last resourceVersion). Each series is reported with the custom resource ÷ ConfigMap ratio of its
/// p50 and p99, target ≤ 1.2×. Then what admission webhooks add to a ConfigMap create (<see cref="WebhookCost"/>).
/// Everything created is deleted at the end, also after a failure.
/// </summary>
internal sealed class CustomResourceLatencyScenario : IScenario
{
    private const string Ns = "bench-cr";
    private const string WarmupNs = "bench-cr-warmup";
    private const string CpuNs = "bench-cr-cpu";
    private const int WarmupObjects = 100;
    private const double TargetRatio = 1.2;
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(10);

    public string Name => "custom-resources";

    public string Description =>
        "custom resource create/get/list/watch/update latency vs a ConfigMap's in the same run (target ≤ 1.2×), and what admission webhooks add per create";

    public TimeSpan Budget(bool quick) => TimeSpan.FromSeconds(quick ? 60 : 180);

    public async Task RunAsync(BenchContext context, ScenarioReport report, CancellationToken ct)
    {
        var objects = context.Quick ? 300 : 1_000;
        var gets = context.Quick ? 1_000 : 4_000;
        var listRuns = context.Quick ? 30 : 60;
        var webhookRounds = context.Quick ? 300 : 1_000;

        await using var server = await context.StartServerAsync(["--airgap"], ct);
        using var api = context.Connect(server);
        var widgets = new ComparedKind("custom resource", WidgetManifests.WidgetsPath, WidgetManifests.Widget);
        var configMaps = new ComparedKind("ConfigMap", WidgetManifests.ConfigMapsPath, WidgetManifests.ConfigMap);
        ComparedKind[] kinds = [widgets, configMaps];
        try
        {
            await PodLoader.EnsureNamespaceAsync(api, Ns, ct);
            await PodLoader.EnsureNamespaceAsync(api, WarmupNs, ct);
            await PodLoader.EnsureNamespaceAsync(api, CpuNs, ct);
            context.Log($"{Name}: CRD {WidgetManifests.CrdName}");
            var (established, served) = await CreateDefinitionAsync(api, ct);
            report.Add("CRD create → Established", established, "ms", "polled every 20 ms");
            report.Add("CRD create → its collection lists", served, "ms", "the first list of its custom resources");
            report.Add("request body, custom resource", WidgetManifests.Widget(Ns, WidgetManifests.Name(0), 0).Length, "bytes");
            report.Add("request body, ConfigMap", WidgetManifests.ConfigMap(Ns, WidgetManifests.Name(0), 0).Length, "bytes");

            await WarmUpAsync(api, kinds, ct);
            report.Notes.Add($"{WarmupObjects} creates, gets and updates of each kind and a few lists in another namespace warm the server up first (not counted)");
            report.Notes.Add("each operation alternates which kind goes first; one connection, JSON, "
                + (context.Http2 ? "HTTP/2" : "HTTP/1.1") + "; the CRD: structural schema, enum, bounds, a set list, a string map, a default (spec.replicas, left out of every body), a CEL rule on spec, status subresource");

            context.Log($"{Name}: {objects} creates of each kind, each until its ADDED event");
            await CreateAndWatchAsync(context, server, api, kinds, objects, ct);
            Compare(report, widgets.Create, configMaps.Create, "create", "sequential; sent → answer read");
            Compare(report, widgets.WatchDelay, configMaps.WatchDelay, "watch delay", "create sent → ADDED event line read, one watch per collection");

            context.Log($"{Name}: {gets} gets of each kind");
            await GetAsync(api, kinds, objects, gets, ct);
            Compare(report, widgets.Get, configMaps.Get, "get", $"{objects:N0} objects of each kind stored, fixed pseudo-random order");

            context.Log($"{Name}: {listRuns} lists of each kind");
            await ListAsync(api, kinds, objects, listRuns, ct);
            Compare(report, widgets.List, configMaps.List, $"list of {objects:N0}", "unpaginated, JSON");

            context.Log($"{Name}: {objects} updates of each kind");
            await UpdateAsync(api, kinds, objects, ct);
            Compare(report, widgets.Update, configMaps.Update, "update", "PUT of the next revision with the last resourceVersion");

            context.Log($"{Name}: server CPU, {objects} creates and {listRuns} lists of each kind in blocks");
            await ServerCpuBlocks.RunAsync(server.Pid, api, report, kinds, CpuNs, objects, listRuns, ct);

            context.Log($"{Name}: admission webhooks, {webhookRounds} rounds");
            await WebhookCost.RunAsync(context, api, report, webhookRounds, ct);
        }
        finally
        {
            await CleanUpAsync(context, api, report);
        }
    }

    /// <summary>Creates the CRD; returns the milliseconds until it is Established, and until its collection lists.</summary>
    private static async Task<(double Established, double Served)> CreateDefinitionAsync(ApiClient api, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        await api.CreateAsync(WidgetManifests.CrdsPath, WidgetManifests.Definition(), ct);
        var deadline = start + Stopwatch.Frequency * 30;
        double? established = null;
        while (true)
        {
            if (established is not null || IsEstablished(await api.GetAsync($"{WidgetManifests.CrdsPath}/{WidgetManifests.CrdName}", ct)))
            {
                established ??= Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                try
                {
                    await api.GetAsync(WidgetManifests.WidgetsPath(Ns), ct);
                    return (established.Value, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
                catch (HttpRequestException) when (Stopwatch.GetTimestamp() < deadline)
                {
                    // Established, not yet routed.
                }
            }
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"CRD {WidgetManifests.CrdName} not Established and served within 30 s");
            }
            await Task.Delay(20, ct);
        }
    }

    private static bool IsEstablished(byte[] crd)
    {
        using var doc = JsonDocument.Parse(crd);
        return doc.RootElement.TryGetProperty("status", out var status) && status.TryGetProperty("conditions", out var conditions)
            && conditions.EnumerateArray().Any(c => c.GetProperty("type").GetString() == "Established" && c.GetProperty("status").GetString() == "True");
    }

    private static async Task WarmUpAsync(ApiClient api, ComparedKind[] kinds, CancellationToken ct)
    {
        for (var i = 0; i < WarmupObjects; i++)
        {
            var name = WidgetManifests.Name(i);
            foreach (var kind in kinds)
            {
                kind.Remember(name, await api.CreateAsync(kind.CollectionPath(WarmupNs), kind.Body(WarmupNs, name, 0), ct));
                await api.GetAsync(kind.ObjectPath(WarmupNs, name), ct);
                kind.Remember(name, await ComparedKind.PutAsync(api, kind.ObjectPath(WarmupNs, name), kind.UpdateBody(WarmupNs, name, 1), ct));
            }
        }
        for (var i = 0; i < 3; i++)
        {
            foreach (var kind in kinds)
            {
                await api.GetAsync(kind.CollectionPath(WarmupNs), ct);
            }
        }
    }

    /// <summary>Round i: one create of each kind (the order alternating), each awaited until its watch shows it.</summary>
    private static async Task CreateAndWatchAsync(BenchContext context, ServerProcess server, ApiClient api, ComparedKind[] kinds, int count, CancellationToken ct)
    {
        var watches = new Dictionary<ComparedKind, AddedEventWatch>();
        try
        {
            foreach (var kind in kinds)
            {
                watches[kind] = await AddedEventWatch.OpenAsync(server.Kubeconfig, context.Http2, kind.CollectionPath(Ns), ct);
            }
            for (var i = 0; i < count; i++)
            {
                var name = WidgetManifests.Name(i);
                foreach (var kind in InTurn(kinds, i))
                {
                    var body = kind.Body(Ns, name, 0);
                    var sent = Stopwatch.GetTimestamp();
                    var answer = await api.CreateAsync(kind.CollectionPath(Ns), body, ct);
                    kind.Create.Add(sent, Stopwatch.GetTimestamp());
                    long arrived;
                    try
                    {
                        arrived = await watches[kind].AddedAsync(name).WaitAsync(EventTimeout, ct);
                    }
                    catch (TimeoutException)
                    {
                        throw new TimeoutException($"no ADDED event for {kind.Label} {Ns}/{name} within {EventTimeout.TotalSeconds:F0} s of its create");
                    }
                    kind.WatchDelay.Add(sent, arrived);
                    kind.Remember(name, answer);
                }
            }
        }
        finally
        {
            foreach (var watch in watches.Values)
            {
                await watch.DisposeAsync();
            }
        }
    }

    private static async Task GetAsync(ApiClient api, ComparedKind[] kinds, int stored, int count, CancellationToken ct)
    {
        var random = new Random(35);
        for (var i = 0; i < count; i++)
        {
            var name = WidgetManifests.Name(random.Next(stored));
            foreach (var kind in InTurn(kinds, i))
            {
                await kind.Get.TimeAsync(() => api.GetAsync(kind.ObjectPath(Ns, name), ct));
            }
        }
    }

    private static async Task ListAsync(ApiClient api, ComparedKind[] kinds, int stored, int runs, CancellationToken ct)
    {
        for (var run = 0; run < runs; run++)
        {
            foreach (var kind in InTurn(kinds, run))
            {
                var list = await kind.List.TimeAsync(() => api.GetAsync(kind.CollectionPath(Ns), ct));
                if (run == 0)
                {
                    kind.CheckList(list, stored);
                }
            }
        }
    }

    private static async Task UpdateAsync(ApiClient api, ComparedKind[] kinds, int count, CancellationToken ct)
    {
        for (var i = 0; i < count; i++)
        {
            var name = WidgetManifests.Name(i);
            foreach (var kind in InTurn(kinds, i))
            {
                var body = kind.UpdateBody(Ns, name, 1);
                var answer = await kind.Update.TimeAsync(() => ComparedKind.PutAsync(api, kind.ObjectPath(Ns, name), body, ct));
                kind.Remember(name, answer);
            }
        }
    }

    /// <summary>Both kinds, the first one first in even rounds and last in odd ones, so neither always follows the other.</summary>
    private static IEnumerable<ComparedKind> InTurn(ComparedKind[] kinds, int round) => round % 2 == 0 ? kinds : kinds.Reverse();

    private static void Compare(ScenarioReport report, LatencySamples custom, LatencySamples configMap, string operation, string note)
    {
        var c = report.Add(custom, note);
        var m = report.Add(configMap, note);
        report.Target($"{operation} p50, custom resource ÷ ConfigMap", c.P50 / m.P50, TargetRatio, "×");
        report.Target($"{operation} p99, custom resource ÷ ConfigMap", c.P99 / m.P99, TargetRatio, "×");
    }

    /// <summary>Deletes the webhook configurations, the CRD (and with it its objects) and the namespaces, whatever happened before.</summary>
    private static async Task CleanUpAsync(BenchContext context, ApiClient api, ScenarioReport report)
    {
        string[] paths =
        [
            .. WebhookCost.ConfigurationPaths,
            $"{WidgetManifests.CrdsPath}/{WidgetManifests.CrdName}",
            $"/api/v1/namespaces/{Ns}",
            $"/api/v1/namespaces/{WarmupNs}",
            $"/api/v1/namespaces/{CpuNs}",
            .. WebhookCost.NamespacePaths,
        ];
        var failed = new List<string>();
        foreach (var path in paths)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await api.SendAsync(HttpMethod.Delete, path, null, null, HttpStatusCode.OK, timeout.Token);
            }
            catch (HttpRequestException e) when (e.Message.Contains("got 404", StringComparison.Ordinal) || e.Message.Contains("got 202", StringComparison.Ordinal))
            {
                // Never created (an earlier phase failed), or accepted and finishing in the background.
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
            {
                failed.Add($"{path}: {e.Message}");
            }
        }
        if (failed.Count > 0)
        {
            context.Log($"custom-resources: clean-up failed for {string.Join("; ", failed)}");
            report.Notes.Add($"clean-up failed: {string.Join("; ", failed)}");
        }
    }
}
