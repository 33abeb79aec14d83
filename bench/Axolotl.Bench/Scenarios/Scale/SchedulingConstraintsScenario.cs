using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Axolotl.Bench.Infrastructure;
using Axolotl.Bench.Measurement;
using Axolotl.Bench.Reporting;

namespace Axolotl.Bench.Scenarios.Scale;

/// <summary>
/// Issue 34's "scheduling throughput with affinity and spread constraints ≥ 0.5× plain pods", end to end: a
/// control-plane-only server and one `agent --runtime fake --fake-nodes 50` process, each node labelled with one of 5
/// zones through the API (fake nodes register a hostname label only), then 2,000 plain pods and 2,000 constrained pods
/// (in turn: required anti-affinity on hostname within a group, preferred affinity on zone, zone spread
/// DoNotSchedule and hostname spread ScheduleAnyway, maxSkew 1, each selecting its group of 40), posted by 12 clients.
/// Throughput is first POST → last pod seen bound on the watch; quick: 20 nodes, 500 pods each.
/// </summary>
internal sealed class SchedulingConstraintsScenario : IScenario
{
    private const int Clients = 12;
    private const int Zones = 5;
    private const int Groups = 40;
    private const string Namespace = "sched-constraints";
    private const string ZoneLabel = "topology.kubernetes.io/zone";
    private const string Container = """{"name":"web","image":"nginx:1.25","resources":{"requests":{"cpu":"5m","memory":"8Mi"},"limits":{"cpu":"100m","memory":"64Mi"}}}""";

    public string Name => "scheduling-constraints";

    public string Description =>
        "fake nodes in 5 zones: POST → bound throughput of 2,000 plain pods, then of 2,000 with pod (anti-)affinity and topology spread; the ratio (target ≥ 0.5×)";

    public TimeSpan Budget(bool quick) => TimeSpan.FromSeconds(quick ? 90 : 180);

    public async Task RunAsync(BenchContext context, ScenarioReport report, CancellationToken ct)
    {
        var nodes = context.Quick ? 20 : 50;
        var pods = context.Quick ? 500 : 2000;
        await using var server = await context.StartServerAsync(ct);
        await using var agent = await FakeNodesAgent.StartAsync(context.Options.ServerBinary, server, nodes, ct);
        using var api = context.Connect(server);
        await ScaleScenario.WaitNodesReadyAsync(api, nodes, ct);
        for (var i = 0; i < nodes; i++)
        {
            await LabelNodeAsync(api, FakeNodesAgent.Prefix + i.ToString(CultureInfo.InvariantCulture), $"zone-{i % Zones}", ct);
        }
        await PodLoader.EnsureNamespaceAsync(api, Namespace, ct);
        await using var watch = await ClusterPodWatch.OpenAsync(server.Kubeconfig, context.Http2, ct);

        context.Log($"{Name}: {pods} plain pods on {nodes} fake nodes, load {ProcStatus.LoadAverage()}");
        var plain = await PhaseAsync(context, server, watch, report, "plain", pods, i => PodJson("plain", i, null), ct);
        context.Log($"{Name}: {pods} constrained pods, load {ProcStatus.LoadAverage()}");
        var constrained = await PhaseAsync(context, server, watch, report, "constrained", pods, ConstrainedPod, ct);
        report.Add("constrained / plain throughput", constrained / plain, "×", $"{nodes} nodes in {Zones} zones; plain first, so the constrained pods also find the plain ones placed");
        report.Target("plain / constrained POST → bound time (≤ 2 means throughput ≥ 0.5× plain)", plain / constrained, 2, "×");
        var unlabelled = await CountUnlabelledAsync(api, ct);
        if (unlabelled > 0)
        {
            report.Notes.Add($"{unlabelled} fake nodes had lost their zone label by the end: the spread and zone terms counted fewer domains.");
        }
    }

    /// <summary>Posts <paramref name="count"/> pods with <see cref="Clients"/> clients and waits for each to be bound; returns pods/s, first POST → last bound.</summary>
    private static async Task<double> PhaseAsync(BenchContext context, ServerProcess server, ClusterPodWatch watch, ScenarioReport report, string phase, int count,
        Func<int, byte[]> body, CancellationToken ct)
    {
        var posted = new long[count];
        var created = new LatencySamples($"{phase} pods: POST");
        var next = -1;
        var serverCpu = CpuMeter.Start(server.Pid);
        var start = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            using var client = new ApiClient(server.Kubeconfig, context.Http2);
            while (Interlocked.Increment(ref next) is var i && i < count)
            {
                posted[i] = Stopwatch.GetTimestamp();
                await client.CreateAsync($"/api/v1/namespaces/{Namespace}/pods", body(i), ct);
                created.Add(posted[i], Stopwatch.GetTimestamp());
            }
        }, ct)).ToList();
        await Task.WhenAll(workers);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        var bound = new LatencySamples($"{phase} pods: POST → bound to a node (watch)");
        long last = 0;
        for (var i = 0; i < count; i++)
        {
            var at = await watch.BoundAsync(Namespace, PodName(phase, i)).WaitAsync(timeout.Token);
            bound.Add(posted[i], at);
            last = Math.Max(last, at);
        }
        var seconds = Stopwatch.GetElapsedTime(start, last).TotalSeconds;
        report.Add(created);
        report.Add(bound);
        report.Add($"{phase} pods bound per second", count / seconds, "pods/s", "first POST → last pod seen bound");
        report.Add($"server CPU per {phase} pod", serverCpu.PerOperation(count), "ms", "POST, scheduling, binding and the agent's status writes, all pods of the phase");
        return count / seconds;
    }

    private static string PodName(string phase, int i) => phase + "-" + i.ToString("D5", CultureInfo.InvariantCulture);

    /// <summary>The four constrained shapes in turn, each pod selecting its own group (as bench/scheduler-shapes does in process).</summary>
    private static byte[] ConstrainedPod(int i)
    {
        // Group and shape in the label: each shape's terms select only pods of its own shape.
        var group = string.Create(CultureInfo.InvariantCulture, $"g{i / 4 % Groups}-s{i % 4}");
        var selector = $$$"""{"matchLabels":{"group":"{{{group}}}"}}""";
        var extra = (i % 4) switch
        {
            0 => $$$""","affinity":{"podAntiAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":[{"labelSelector":{{{selector}}},"topologyKey":"kubernetes.io/hostname"}]}}""",
            1 => $$$""","affinity":{"podAffinity":{"preferredDuringSchedulingIgnoredDuringExecution":[{"weight":1,"podAffinityTerm":{"labelSelector":{{{selector}}},"topologyKey":"{{{ZoneLabel}}}"}}]}}""",
            2 => $$$""","topologySpreadConstraints":[{"maxSkew":1,"topologyKey":"{{{ZoneLabel}}}","whenUnsatisfiable":"DoNotSchedule","labelSelector":{{{selector}}}}]""",
            _ => $$$""","topologySpreadConstraints":[{"maxSkew":1,"topologyKey":"kubernetes.io/hostname","whenUnsatisfiable":"ScheduleAnyway","labelSelector":{{{selector}}}}]""",
        };
        return PodJson("constrained", i, group, extra);
    }

    /// <summary>The scale scenario's pod without its probe; a constrained one carries its group label.</summary>
    private static byte[] PodJson(string phase, int i, string? group, string specExtra = "")
    {
        var labels = group is null ? """{"app":"scale"}""" : $$$"""{"app":"scale","group":"{{{group}}}"}""";
        return Encoding.UTF8.GetBytes(
            $$$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{PodName(phase, i)}}}","namespace":"{{{Namespace}}}","labels":{{{labels}}}},"spec":{"terminationGracePeriodSeconds":1{{{specExtra}}},"containers":["""
            + Container + "]}}");
    }

    /// <summary>Adds the zone label with a read-modify-write (the agent writes the node's status meanwhile: 409 means read again).</summary>
    private static async Task LabelNodeAsync(ApiClient api, string node, string zone, CancellationToken ct)
    {
        var path = $"/api/v1/nodes/{node}";
        for (var attempt = 1; ; attempt++)
        {
            var current = JsonNode.Parse(await api.GetAsync(path, ct))!;
            current["metadata"]!["labels"]![ZoneLabel] = zone;
            try
            {
                await api.SendAsync(HttpMethod.Put, path, Encoding.UTF8.GetBytes(current.ToJsonString()), null, HttpStatusCode.OK, ct);
                return;
            }
            catch (HttpRequestException e) when (attempt < 10 && e.Message.Contains("got 409", StringComparison.Ordinal))
            {
                // Written meanwhile: read it again.
            }
        }
    }

    private static async Task<int> CountUnlabelledAsync(ApiClient api, CancellationToken ct)
    {
        var list = JsonNode.Parse(await api.GetAsync("/api/v1/nodes", ct))!;
        return list["items"]!.AsArray().Count(n => n!["metadata"]!["name"]!.GetValue<string>().StartsWith(FakeNodesAgent.Prefix, StringComparison.Ordinal)
            && n["metadata"]!["labels"]?[ZoneLabel] is null);
    }
}
