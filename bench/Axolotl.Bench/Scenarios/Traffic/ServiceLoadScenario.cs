using System.Diagnostics;
using System.Globalization;
using System.Net;
using Axolotl.Bench.Infrastructure;
using Axolotl.Bench.Measurement;
using Axolotl.Bench.Reporting;
using Axolotl.Bench.Scenarios.Probes;
using Axolotl.Bench.Scenarios.Workloads;

namespace Axolotl.Bench.Scenarios.Traffic;

/// <summary>
/// Issue 6's load test: 80 closed-loop clients (a new connection per request) against a 3-replica
/// Deployment's NodePort on 127.0.0.1 for 2 minutes in each of three cases: (a) one pod's web server is
/// SIGKILLed every 10 s, (b) rolling updates run back to back, (c) one pod's HTTP readiness probe fails
/// for 4 s every 10 s, (d) the same with an exec readiness probe (quick: 10 s each, every 5 s, 2 s; no (d)). Reported
/// per phase: requests sent and failed (by reason), latency percentiles, throughput; first, the same
/// clients straight at the pod IPs, then through the NodePort on 127.0.0.1 (the relay) and on the node's address (the
/// server runs `--proxy-mode nftables`, so the kernel DNATs that one) give the relay's and the kernel's throughput ratios; in
/// (c) and (d), how long after the failing probe ran the pod still got new connections.
/// </summary>
internal sealed class ServiceLoadScenario : IScenario
{
    private const int Clients = 80;
    private const int Replicas = 3;
    private const int BaselineRounds = 2;
    private static readonly TimeSpan SettleTimeout = LoadPhases.SettleTimeout;
    private TimeSpan _interval = TimeSpan.FromSeconds(10);
    private TimeSpan _unreadyFor = TimeSpan.FromSeconds(4);

    public string Name => "service-load";

    private LoadPhases Phases => new(Name, Clients, Replicas, _interval);

    public string Description => $"{Clients} clients on a {Replicas}-replica Deployment's NodePort: direct vs proxy throughput, then SIGKILL every 10 s, rolling updates, HTTP and exec readiness failures (2 min each; quick: 10 s each)";

    public TimeSpan Budget(bool quick) => TimeSpan.FromSeconds(quick ? 120 : 690);

    public async Task RunAsync(BenchContext context, ScenarioReport report, CancellationToken ct)
    {
        // Per round of the baselines; direct and proxy alternate, so a drift of the machine hits both.
        var baseline = TimeSpan.FromSeconds(context.Quick ? 3 : 15);
        var phase = TimeSpan.FromSeconds(context.Quick ? 10 : 120);
        _interval = TimeSpan.FromSeconds(context.Quick ? 5 : 10);
        _unreadyFor = TimeSpan.FromSeconds(context.Quick ? 2 : 4);
        var cap = context.Quick ? 300_000 : 2_000_000;
        using var markers = MarkerDirectory.Create("load");
        // nftables mode: the relay keeps 127.0.0.1's node port (the phases below), the kernel serves the node's own address.
        await using var node = await NodeServer.StartAsync(context, ct, proxyMode: "nftables");
        if (Environment.GetEnvironmentVariable("AXOLOTL_BENCH_SERVICE_LOAD_LOG") is { Length: > 0 } logPath)
        {
            // What the node did around each kill (held listeners' drains, readiness hints), for a reader of one run.
            node.Server.KeepLogIn(logPath);
        }
        using var api = context.Connect(node.Server);
        await node.WaitNodeReadyAsync(api, ct);
        await using var watch = await PodSetWatch.OpenAsync(node.Server.Kubeconfig, context.Http2, TrafficWorkload.Namespace, ct);
        var nodePort = await TrafficWorkload.CreateAsync(api, Replicas, markers.Path, ct);
        try
        {
            await watch.WaitAsync(pods => LoadPhases.Settled(pods, TrafficWorkload.Images[0], Replicas), SettleTimeout, $"{Replicas} web pods Ready", ct);
            var proxy = new IPEndPoint(IPAddress.Loopback, nodePort);
            await LoadPhases.WarmUpAsync(proxy, Replicas, "the NodePort", ct);
            context.Log($"{Name}: NodePort {nodePort} answers from all {Replicas} pods");

            var kernel = new IPEndPoint(await NodeAddressAsync(api, node.NodeName, ct), nodePort);
            await LoadPhases.WarmUpAsync(kernel, Replicas, "the NodePort through the kernel", ct);

            var ips = (await TrafficWorkload.PodsAsync(api, ct)).Where(p => p.Ready && p.Ip is not null).Select(p => new IPEndPoint(p.Ip!, TrafficWorkload.ContainerPort)).ToArray();
            double directRate = 0, proxyRate = 0, kernelRate = 0;
            for (var round = 1; round <= BaselineRounds; round++)
            {
                var direct = await LoadGenerator.RunAsync(Clients, n => ips[n % ips.Length], baseline, cap, ct);
                directRate += LoadPhases.Record(report, $"direct to the pod IPs (no proxy), round {round}", direct, "baseline for the ratio; clients round-robin over the pods") / BaselineRounds;
                var viaProxy = await LoadGenerator.RunAsync(Clients, _ => proxy, baseline, cap, ct);
                proxyRate += LoadPhases.Record(report, $"through the NodePort (127.0.0.1), round {round}", viaProxy, "same clients, same length, right after; the relay") / BaselineRounds;
                var viaKernel = await LoadGenerator.RunAsync(Clients, _ => kernel, baseline, cap, ct);
                kernelRate += LoadPhases.Record(report, $"through the NodePort ({kernel.Address}, kernel DNAT), round {round}", viaKernel,
                    "same clients, same length, right after; --proxy-mode nftables") / BaselineRounds;
            }
            report.Add("proxy throughput ÷ direct throughput", proxyRate / directRate, "×", $"the relay; mean of {BaselineRounds} alternating rounds each; target ≥ 0.5");
            report.Target("direct ÷ proxy throughput (target: proxy ≥ 50 % of direct)", directRate / proxyRate, 2.0, "×");
            report.Add("kernel (--proxy-mode nftables) throughput ÷ direct throughput", kernelRate / directRate, "×",
                $"the node's address, DNATed in the output hook and masqueraded; mean of {BaselineRounds} alternating rounds each; issue 36's target ≥ 0.9");
            context.Log($"{Name}: direct {directRate:F0}/s, relay {proxyRate:F0}/s, kernel {kernelRate:F0}/s");

            var cases = context.Options.Cases;
            if (cases is null || cases.Contains("a"))
            {
                await Phases.KillAsync(context, report, api, proxy, "(a)", phase, cap, ct);
            }
            if (cases is null || cases.Contains("b"))
            {
                await Phases.RolloutAsync(context, report, api, watch, proxy, "(b)", phase, cap, ct);
            }
            if (cases is null || cases.Contains("c"))
            {
                await ReadinessPhaseAsync(context, report, api, watch, markers.Path, proxy, phase, cap, "(c)", "HTTP", ct);
            }
            // The kernel path under kills and rollouts (no replay: expected to lose requests), only when --cases names k or r.
            if (cases?.Contains("k") == true)
            {
                await Phases.KillAsync(context, report, api, kernel, "(k) kernel path:", phase, cap, ct);
            }
            if (cases?.Contains("r") == true)
            {
                await Phases.RolloutAsync(context, report, api, watch, kernel, "(r) kernel path:", phase, cap, ct);
            }
            // The agent's readiness hints rewriting the kernel table (ADR 0030), only when --cases names h.
            if (cases?.Contains("h") == true)
            {
                await ReadinessPhaseAsync(context, report, api, watch, markers.Path, kernel, phase, cap, "(h) kernel path:", "HTTP", ct);
            }
            // (d) needs a rollout first: full runs only, unless --cases names it.
            if (cases is null ? !context.Quick : cases.Contains("d"))
            {
                // The same with an exec probe: its verdict comes only when the probe's processes have exited.
                var before = watch.Snapshot().Select(p => p.Name).ToHashSet();
                await WorkloadApi.SetReadinessProbeAsync(api, TrafficWorkload.App, TrafficWorkload.ExecReadinessProbe(markers.Path), ct);
                await watch.WaitAsync(pods => pods.Count(p => p.App == TrafficWorkload.App) == Replicas &&
                    pods.Where(p => p.App == TrafficWorkload.App).All(p => !before.Contains(p.Name) && p.Ready && !p.Terminating),
                    SettleTimeout, "the rollout to the exec readiness probe", ct);
                await ReadinessPhaseAsync(context, report, api, watch, markers.Path, proxy, phase, cap, "(d)", "exec", ct);
            }
        }
        finally
        {
            await WorkloadApi.DeleteDeploymentAndWaitAsync(api, watch, TrafficWorkload.App);
        }
    }

    /// <summary>The node's InternalIP (on this host): its node port is the kernel's in nftables mode, 127.0.0.1's stays the relay's.</summary>
    public static async Task<IPAddress> NodeAddressAsync(ApiClient api, string nodeName, CancellationToken ct)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(await api.GetAsync($"/api/v1/nodes/{nodeName}", ct));
        foreach (var address in doc.RootElement.GetProperty("status").GetProperty("addresses").EnumerateArray())
        {
            if (address.GetProperty("type").GetString() == "InternalIP" && IPAddress.TryParse(address.GetProperty("address").GetString(), out var ip))
            {
                return ip;
            }
        }
        throw new InvalidOperationException($"node {nodeName} has no InternalIP");
    }

    private async Task ReadinessPhaseAsync(BenchContext context, ScenarioReport report, ApiClient api, PodSetWatch watch, string markers, IPEndPoint proxy,
        TimeSpan phase, int cap, string label, string probeKind, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var load = LoadGenerator.RunAsync(Clients, _ => proxy, phase, cap, ct);
        var windows = new List<(string Pod, long FailedMicros, long RecoveredMicros)>();
        for (var next = _interval / 2; next + _unreadyFor < phase; next += _interval)
        {
            await LoadPhases.DelayUntilAsync(started, next, ct);
            var ready = watch.Snapshot().Where(p => p.App == TrafficWorkload.App && p.Ready && !p.Terminating).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
            if (ready.Count == 0)
            {
                continue;
            }
            var pod = ready[windows.Count % ready.Count].Name;
            var marker = TrafficWorkload.UnreadyMarker(markers, pod);
            var stamp = TrafficWorkload.FailedStamp(markers, pod);
            // A probe that saw the previous marker just before it went may have stamped after the stamp was removed.
            File.Delete(stamp);
            await File.WriteAllTextAsync(marker, "", ct);
            var failed = (await Stamps.WaitAsync(stamp, 1, TimeSpan.FromSeconds(5), $"{pod}'s readiness probe failing", ct))[0];
            await Task.Delay(_unreadyFor, ct);
            // The window ends before the marker goes: a pod ready again may take connections at once.
            var recovered = Stamps.UnixMicrosNow();
            File.Delete(marker);
            File.Delete(stamp);
            windows.Add((pod, failed, recovered));
            await watch.WaitAsync(pods => pods.Any(p => p.Name == pod && p.Ready), SettleTimeout, $"{pod} Ready again", ct);
            context.Log($"{Name}: {pod} unready for {_unreadyFor.TotalSeconds:F0} s from its probe's stamp {failed}");
        }
        var samples = await load;
        LoadPhases.Record(report, $"{label} one pod's {probeKind} readiness probe failing {_unreadyFor.TotalSeconds:F0} s in every {_interval.TotalSeconds:F0} s", samples, $"{windows.Count} failures");

        // A connection's start (the client's connect call, realtime) bounds when the proxy chose its
        // endpoint from below: that choice comes after it. The client's "connected" stamp is taken after
        // an await in a load generator that saturates its own thread pool, so it can lag by tens of ms;
        // it is shown too, as the pessimistic reading.
        var byStart = LastNewConnection(samples, windows, s => s.StartedMicros, out var late);
        var summary = report.Add(Milliseconds($"{label} {probeKind} readiness probe failed → last new connection that pod got", byStart),
            "connection started (client's connect call) after the failing probe's stamp; 0 when none");
        report.Add($"{label} new connections to the unready pod started later than 20 ms", late, "connections");
        var byConnected = LastNewConnection(samples, windows, s => s.ConnectedMicros, out _);
        report.Add(Milliseconds($"{label} {probeKind} readiness probe failed → last connection that pod got, by the client's connected stamp", byConnected),
            "stamped after the connect completed in the loaded client: includes the load generator's own delays");
        if (summary.Count > 0)
        {
            report.Target($"{label} {probeKind} readiness failure → no new connections (p99)", summary.P99, 20, "ms");
        }
    }

    private static LatencySamples Milliseconds(string name, IEnumerable<double> values)
    {
        var samples = new LatencySamples(name);
        foreach (var ms in values)
        {
            samples.AddMilliseconds(ms);
        }
        return samples;
    }

    /// <summary>Per failure window: how long after the probe's stamp the unready pod still got a connection (by <paramref name="at"/>, first half of the window); 0 when none.</summary>
    private static List<double> LastNewConnection(IReadOnlyList<LoadSample> samples, List<(string Pod, long FailedMicros, long RecoveredMicros)> windows,
        Func<LoadSample, long> at, out int lateOver20Ms)
    {
        var lastNew = new List<double>();
        lateOver20Ms = 0;
        foreach (var (pod, failedAt, recoveredAt) in windows)
        {
            // The first half of the window only: a connection that waited in the proxy's accept queue as
            // the window ended may be routed after the pod is ready again, which is no miss.
            var until = failedAt + (recoveredAt - failedAt) / 2;
            var after = samples.Where(s => s.Pod == pod && at(s) >= failedAt && at(s) < until).Select(s => (at(s) - failedAt) / 1000.0).ToList();
            lastNew.Add(after.Count == 0 ? 0 : after.Max());
            lateOver20Ms += after.Count(ms => ms > 20);
        }
        return lastNew;
    }
}
