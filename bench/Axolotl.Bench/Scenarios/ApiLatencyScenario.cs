using System.Diagnostics;
using System.Text.Json;
using Axolotl.Bench.Infrastructure;
using Axolotl.Bench.Measurement;
using Axolotl.Bench.Reporting;

namespace Axolotl.Bench.Scenarios;

/// <summary>
/// REST latency over one keep-alive connection with the admin token, on one fresh server:
/// sequential pod creates to 1,000, gets, lists (JSON and kubectl's Table), watch delivery delay,
/// then creates/s with 8 concurrent clients; the full run goes on to 10,000 pods and repeats the
/// create, get and list measurements there. Every list is checked for the expected item count once.
/// </summary>
internal sealed class ApiLatencyScenario : IScenario
{
    private const string Ns = "default";
    private const string WatchNs = "bench-watch";
    private const string WarmupNs = "bench-warmup";
    private const int Clients = 8;
    private const int WarmupRequests = 200;
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(10);

    public string Name => "api-latency";

    public string Description =>
        "pod create/get/list/watch latency over one HTTPS keep-alive connection, and creates/s with 8 concurrent clients";

    public TimeSpan Budget(bool quick) => TimeSpan.FromSeconds(quick ? 35 : 240);

    public async Task RunAsync(BenchContext context, ScenarioReport report, CancellationToken ct)
    {
        const int small = 1_000;
        const int tail = 500; // sequential creates that take the full run from 9,500 to 10,000 pods
        var large = context.Quick ? small : 10_000;
        var listRuns = context.Quick ? 10 : 20;
        var watchEvents = context.Quick ? 200 : 1_000;

        await using var server = await context.StartServerAsync(ct);
        using var api = context.Connect(server);

        await WarmUpAsync(api, ct);
        report.Notes.Add($"{WarmupRequests} creates, {WarmupRequests} gets and a few lists in another namespace warm the server up first (not counted)");

        var pid = server.Pid;
        context.Log($"{Name}: {small} sequential creates");
        var cpu = CpuMeter.Start(pid);
        var creates = await CreateSequentiallyAsync(api, 0, small, $"create, 0 → {small:N0} pods", ct);
        var createSummary = report.Add(creates, "sequential", cpu);
        report.Target("single-object create p99 (0 → 1,000 pods)", createSummary.P99, 20, "ms");

        context.Log($"{Name}: gets and lists at {small} pods");
        await GetsAndListsAsync(report, api, pid, small, listRuns, ct);

        context.Log($"{Name}: watch delay over {watchEvents} creates");
        cpu = CpuMeter.Start(pid);
        var (sentToEvent, ackToEvent) = await MeasureWatchAsync(server.Kubeconfig, context.Http2, api, watchEvents, ct);
        report.Add(sentToEvent, "create sent → ADDED event received", cpu);
        report.Add(ackToEvent, "create response received → ADDED event received; negative when the event came first");

        var loadCount = context.Quick ? small : large - small - tail;
        context.Log($"{Name}: {loadCount} creates with {Clients} concurrent clients");
        cpu = CpuMeter.Start(pid);
        var load = await PodLoader.CreateAsync(server.Kubeconfig, context.Http2, Ns, small, loadCount, Clients,
            $"create, {Clients} concurrent clients, {small:N0} → {small + loadCount:N0} pods", ct);
        var loadSummary = report.Add(load, "per-request latency under load; per second = throughput", cpu);
        report.Add($"create throughput, {Clients} clients", loadSummary.ThroughputPerSecond ?? 0, "pods/s");

        if (!context.Quick)
        {
            context.Log($"{Name}: creates, gets and lists at {large} pods");
            cpu = CpuMeter.Start(pid);
            var lateCreates = await CreateSequentiallyAsync(api, large - tail, tail, $"create, {large - tail:N0} → {large:N0} pods", ct);
            var lateSummary = report.Add(lateCreates, "sequential", cpu);
            report.Target("single-object create p99 (9,500 → 10,000 pods)", lateSummary.P99, 20, "ms");
            await GetsAndListsAsync(report, api, pid, large, Math.Max(5, listRuns / 2), ct);
        }
    }

    /// <summary>1,000 gets among <paramref name="stored"/> pods, then unpaginated lists of all of them as JSON and as a Table.</summary>
    private static async Task GetsAndListsAsync(ScenarioReport report, ApiClient api, int pid, int stored, int listRuns, CancellationToken ct)
    {
        var path = PodManifests.PodsPath(Ns);
        var cpu = CpuMeter.Start(pid);
        report.Add(await GetRandomlyAsync(api, stored, 1_000, $"get, {stored:N0} pods stored", ct), "sequential", cpu);
        cpu = CpuMeter.Start(pid);
        report.Add(await ListAsync(api, path, null, stored, listRuns, $"list JSON, {stored:N0} pods", ct), "unpaginated", cpu);
        cpu = CpuMeter.Start(pid);
        report.Add(await ListAsync(api, path, ApiClient.TableAccept, stored, listRuns, $"list Table, {stored:N0} pods", ct), "kubectl's Accept", cpu);
    }

    private static async Task WarmUpAsync(ApiClient api, CancellationToken ct)
    {
        await PodLoader.EnsureNamespaceAsync(api, WarmupNs, ct);
        var path = PodManifests.PodsPath(WarmupNs);
        for (var i = 0; i < WarmupRequests; i++)
        {
            var name = PodManifests.Name(i);
            await api.CreateAsync(path, PodManifests.Pod(WarmupNs, name), ct);
            await api.GetAsync($"{path}/{name}", ct);
        }
        for (var i = 0; i < 5; i++)
        {
            await api.GetAsync(path, ct);
            await api.GetAsync(path, ct, ApiClient.TableAccept);
        }
    }

    private static async Task<LatencySamples> CreateSequentiallyAsync(ApiClient api, int first, int count, string series, CancellationToken ct)
    {
        var samples = new LatencySamples(series);
        var path = PodManifests.PodsPath(Ns);
        for (var i = first; i < first + count; i++)
        {
            var body = PodManifests.Pod(Ns, PodManifests.Name(i));
            var start = Stopwatch.GetTimestamp();
            await api.CreateAsync(path, body, ct);
            samples.Add(start, Stopwatch.GetTimestamp());
        }
        return samples;
    }

    /// <summary>Gets <paramref name="count"/> of the first <paramref name="stored"/> pods in a fixed pseudo-random order (same every run).</summary>
    private static async Task<LatencySamples> GetRandomlyAsync(ApiClient api, int stored, int count, string series, CancellationToken ct)
    {
        var samples = new LatencySamples(series);
        var random = new Random(42);
        var path = PodManifests.PodsPath(Ns);
        for (var i = 0; i < count; i++)
        {
            var name = PodManifests.Name(random.Next(stored));
            var start = Stopwatch.GetTimestamp();
            await api.GetAsync($"{path}/{name}", ct);
            samples.Add(start, Stopwatch.GetTimestamp());
        }
        return samples;
    }

    private static async Task<LatencySamples> ListAsync(ApiClient api, string path, string? accept, int expected, int runs, string series,
        CancellationToken ct)
    {
        var samples = new LatencySamples(series);
        for (var run = 0; run < runs; run++)
        {
            var start = Stopwatch.GetTimestamp();
            var body = await api.GetAsync(path, ct, accept);
            samples.Add(start, Stopwatch.GetTimestamp());
            if (run == 0)
            {
                CheckCount(body, accept is null ? "items" : "rows", expected, series);
            }
        }
        return samples;
    }

    /// <summary>A fast list that returned the wrong objects would be a fake result: count them once.</summary>
    private static void CheckCount(byte[] body, string arrayProperty, int expected, string series)
    {
        using var doc = JsonDocument.Parse(body);
        var actual = doc.RootElement.TryGetProperty(arrayProperty, out var array) && array.ValueKind == JsonValueKind.Array
            ? array.GetArrayLength()
            : -1;
        if (actual != expected)
        {
            throw new InvalidOperationException($"{series}: want {expected} {arrayProperty}, got {actual} ({body.Length} bytes)");
        }
    }

    private static async Task<(LatencySamples SentToEvent, LatencySamples AckToEvent)> MeasureWatchAsync(
        Kubeconfig config, bool http2, ApiClient api, int count, CancellationToken ct)
    {
        var sentToEvent = new LatencySamples("watch delay, from create sent");
        var ackToEvent = new LatencySamples("watch delay, from create acknowledged");
        await PodLoader.EnsureNamespaceAsync(api, WatchNs, ct);
        var path = PodManifests.PodsPath(WatchNs);
        string resourceVersion;
        using (var list = JsonDocument.Parse(await api.GetAsync(path, ct)))
        {
            resourceVersion = list.RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString() ?? "";
        }
        await using var watch = await WatchStream.OpenAsync(config, http2, WatchNs, resourceVersion, ct);
        for (var i = 0; i < count; i++)
        {
            var name = PodManifests.Name(i);
            var body = PodManifests.Pod(WatchNs, name);
            var sent = Stopwatch.GetTimestamp();
            await api.CreateAsync(path, body, ct);
            var acked = Stopwatch.GetTimestamp();
            long arrived;
            try
            {
                arrived = await watch.MatchedAsync(name).WaitAsync(EventTimeout, ct);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"no ADDED event for {WatchNs}/{name} within {EventTimeout.TotalSeconds:F0} s of its create");
            }
            sentToEvent.Add(sent, arrived);
            ackToEvent.AddMilliseconds(Stopwatch.GetElapsedTime(acked, arrived).TotalMilliseconds);
        }
        return (sentToEvent, ackToEvent);
    }
}
