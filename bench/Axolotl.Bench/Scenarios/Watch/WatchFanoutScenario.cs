using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Axolotl.Bench.Infrastructure;
using Axolotl.Bench.Measurement;
using Axolotl.Bench.Reporting;

namespace Axolotl.Bench.Scenarios.Watch;

/// <summary>
/// The watch fan-out a cluster's server lives with: 100 node agents' watches (fieldSelector
/// spec.nodeName) and 10 whole-resource watches (controllers) on pods, while 12 clients create pods
/// already bound to those nodes. Measured twice in the same run, on fresh servers: with the watch cache
/// (each event decoded once for every watcher) and with --watch-cache=false (each watcher decodes each
/// event): server CPU per pod, POST → that pod's node watcher has it, and every watcher got every event.
/// </summary>
internal sealed class WatchFanoutScenario : IScenario
{
    private const string Ns = "bench-fanout";
    private const int Nodes = 100;
    private const int PlainWatchers = 10;
    private const int Clients = 12;
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(90);

    public string Name => "watch-fanout";

    public string Description =>
        $"{Nodes} spec.nodeName watches and {PlainWatchers} whole-resource watches on pods while {Clients} clients create bound pods: server CPU per pod and delivery, with and without the watch cache";

    public TimeSpan Budget(bool quick) => TimeSpan.FromSeconds(quick ? 150 : 420);

    public async Task RunAsync(BenchContext context, ScenarioReport report, CancellationToken ct)
    {
        var pods = context.Quick ? 2_000 : 10_000;
        var cached = await MeasureAsync(context, report, pods, watchCache: true, ct);
        var uncached = await MeasureAsync(context, report, pods, watchCache: false, ct);
        report.Add("server CPU per pod, watch cache ÷ none", cached.CpuPerPod / Math.Max(uncached.CpuPerPod, 0.001), "×");
        report.Add("delivery p99, watch cache ÷ none", cached.Delivery.P99 / Math.Max(uncached.Delivery.P99, 0.001), "×");
        report.Notes.Add($"{pods:N0} pods per server, each bound to one of {Nodes} nodes that do not exist (no agent runs), so each pod is one ADDED event; "
            + $"every one of the {Nodes + PlainWatchers} watchers must receive every event meant for it, or the run fails");
    }

    private static async Task<(double CpuPerPod, LatencySummary Delivery)> MeasureAsync(BenchContext context, ScenarioReport report, int pods, bool watchCache,
        CancellationToken ct)
    {
        var label = watchCache ? "watch cache" : "no watch cache";
        await using var server = await context.StartServerAsync(watchCache ? [] : ["--watch-cache=false"], ct);
        using var api = context.Connect(server);
        await PodLoader.EnsureNamespaceAsync(api, Ns, ct);
        string resourceVersion;
        using (var list = JsonDocument.Parse(await api.GetAsync("/api/v1/pods", ct)))
        {
            resourceVersion = list.RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString() ?? "0";
        }

        var arrived = new ConcurrentDictionary<int, long>();
        var plainCounts = new int[PlainWatchers];
        var failures = new ConcurrentQueue<Exception>();
        var watchers = new List<WatchEventReader>();
        try
        {
            context.Log($"watch-fanout ({label}): opening {Nodes + PlainWatchers} watches");
            for (var node = 0; node < Nodes; node++)
            {
                var reader = new WatchEventReader(ApiClient.ForStreaming(server.Kubeconfig, context.Http2));
                watchers.Add(reader);
                await reader.StartAsync($"/api/v1/pods?watch=true&resourceVersion={resourceVersion}&fieldSelector=spec.nodeName%3D{NodeName(node)}",
                    Stopwatch.GetTimestamp, (stamp, type, pod) =>
                    {
                        if (type == "ADDED" && Index(pod) is { } index)
                        {
                            arrived.TryAdd(index, stamp);
                        }
                    }, failures.Enqueue, ct);
            }
            for (var i = 0; i < PlainWatchers; i++)
            {
                var slot = i;
                var reader = new WatchEventReader(ApiClient.ForStreaming(server.Kubeconfig, context.Http2));
                watchers.Add(reader);
                await reader.StartAsync($"/api/v1/pods?watch=true&resourceVersion={resourceVersion}", Stopwatch.GetTimestamp,
                    (_, type, _) =>
                    {
                        if (type == "ADDED")
                        {
                            Interlocked.Increment(ref plainCounts[slot]);
                        }
                    }, failures.Enqueue, ct);
            }

            context.Log($"watch-fanout ({label}): {Clients} clients create {pods:N0} bound pods");
            var sent = new long[pods];
            var cpu = CpuMeter.Start(server.Pid);
            await CreateBoundPodsAsync(server.Kubeconfig, context.Http2, pods, sent, ct);
            var deadline = Stopwatch.StartNew();
            while (arrived.Count < pods || plainCounts.Any(c => Volatile.Read(ref c) < pods))
            {
                if (failures.TryPeek(out var failure))
                {
                    throw new InvalidOperationException($"a watcher failed ({label}): {failure.Message}", failure);
                }
                if (deadline.Elapsed > DeliveryTimeout)
                {
                    throw new TimeoutException($"{label}: after {DeliveryTimeout.TotalSeconds:F0} s the node watchers had {arrived.Count:N0} of {pods:N0} pods "
                        + $"and the whole-resource watchers {string.Join(", ", plainCounts)}");
                }
                await Task.Delay(20, ct);
            }
            var cpuPerPod = cpu.PerOperation(pods);

            var delivery = new LatencySamples($"{label}: pod POST sent → its node's watcher has it");
            for (var i = 0; i < pods; i++)
            {
                delivery.Add(sent[i], arrived[i]);
            }
            var summary = report.Add(delivery, $"{Nodes} node watches + {PlainWatchers} whole-resource watches, {Clients} clients", cpu);
            report.Add($"{label}: server CPU per pod (creates and every watcher's delivery)", cpuPerPod, "ms");
            report.Add($"{label}: server RSS after", ProcStatus.RssMegabytes(server.Pid), "MB");
            return (cpuPerPod, summary);
        }
        finally
        {
            foreach (var watcher in watchers)
            {
                await watcher.DisposeAsync();
            }
        }
    }

    private static async Task CreateBoundPodsAsync(Kubeconfig config, bool http2, int pods, long[] sent, CancellationToken ct)
    {
        var next = -1;
        var path = PodManifests.PodsPath(Ns);
        var workers = Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            using var client = new ApiClient(config, http2);
            while (Interlocked.Increment(ref next) is var index && index < pods)
            {
                var body = BoundPod(PodManifests.Name(index), NodeName(index % Nodes));
                sent[index] = Stopwatch.GetTimestamp();
                await client.CreateAsync(path, body, ct);
            }
        }, ct)).ToList();
        await Task.WhenAll(workers);
    }

    private static string NodeName(int node) => "fanout-node-" + node.ToString(CultureInfo.InvariantCulture);

    private static int? Index(JsonElement pod) =>
        pod.GetProperty("metadata").GetProperty("name").GetString() is { } name && name.StartsWith("bench-", StringComparison.Ordinal)
            && int.TryParse(name.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : null;

    /// <summary>A pod as a scheduler leaves it: bound to a node, so no controller or scheduler writes it again.</summary>
    private static byte[] BoundPod(string name, string node) => Encoding.UTF8.GetBytes(BoundPodTemplate
        .Replace("POD", name, StringComparison.Ordinal).Replace("NODE", node, StringComparison.Ordinal).Replace("NAMESPACE", Ns, StringComparison.Ordinal));

    private const string BoundPodTemplate =
        """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"POD","namespace":"NAMESPACE","labels":{"app":"bench","tier":"web"}},"spec":{"nodeName":"NODE","containers":[{"name":"web","image":"nginx:1.25","resources":{"requests":{"cpu":"100m","memory":"64Mi"}}}]}}""";
}
