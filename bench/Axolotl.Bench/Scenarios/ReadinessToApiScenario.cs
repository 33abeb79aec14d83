using Axolotl.Bench.Measurement;
using Axolotl.Bench.Reporting;
using Axolotl.Bench.Scenarios.Probes;

namespace Axolotl.Bench.Scenarios;

/// <summary>
/// Readiness change → the pod's Ready condition changed in the API, seen on a watch. A few pods (image
/// debian, `sleep`) have an exec readiness probe (thresholds 1/1, period 100 ms through the timing
/// annotation) whose bash passes while a <c>ready</c> marker exists and fails otherwise, stamping the
/// first passing and the first failing observation ($EPOCHREALTIME) into <c>up</c> and <c>down</c> (only if
/// absent). The benchmark toggles one pod's marker at a time, round robin, so the others keep probing
/// meanwhile (clearing the stale stamp file first), and waits on the watch for that pod's Ready to
/// change. The latency is the event's arrival (realtime, stamped before parsing) − the probe's stamp:
/// the probe's exit, the result published, the pod's lane writing status, the API server storing it
/// and the watch delivering it. Both directions separately and combined. After the toggles, the
/// server's CPU over a few seconds in which nothing changes gives the cost of one exec probe, passing
/// and failing (with its Unhealthy event).
/// </summary>
internal sealed class ReadinessToApiScenario : IScenario
{
    private const int Pods = 4;
    private const string Timing = "period=100ms";
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan IdleWindow = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ToggleTimeout = TimeSpan.FromSeconds(10);

    public string Name => "readiness-to-api";

    public string Description => $"exec readiness probe result changes → pod Ready condition changed on a watch, {Pods} pods, 40 (quick) or 200 toggles, both directions";

    public TimeSpan Budget(bool quick) => TimeSpan.FromSeconds(quick ? 45 : 90);

    public async Task RunAsync(BenchContext context, ScenarioReport report, CancellationToken ct)
    {
        var toggles = context.Quick ? 40 : 200;
        using var markers = MarkerDirectory.Create("readiness");
        await using var node = await NodeServer.StartAsync(context, ct);
        using var api = context.Connect(node.Server);
        await node.WaitNodeReadyAsync(api, ct);
        await using var watch = await PodReadyWatch.OpenAsync(node.Server.Kubeconfig, context.Http2, AgentPods.Namespace, ct);

        var pods = new List<(string Name, string Dir)>();
        for (var i = 0; i < Pods; i++)
        {
            var name = $"readiness-{i:D2}";
            var dir = markers.For(name);
            var (ready, up, down) = (Path.Combine(dir, "ready"), Path.Combine(dir, "up"), Path.Combine(dir, "down"));
            var probe = $"if [ -e {ready} ]; then [ -e {up} ] || echo $EPOCHREALTIME >{up}; exit 0; fi; [ -e {down} ] || echo $EPOCHREALTIME >{down}; exit 1";
            await api.CreateAsync(AgentPods.PodsPath, ProbePods.Pod(name, "Always",
                new Dictionary<string, string> { [ProbePods.TimingKey("readiness")] = Timing },
                ProbePods.Container("c", "debian", ["sleep", "3600"], readiness: ProbePods.BashProbe(probe, failureThreshold: 1, successThreshold: 1))), ct);
            pods.Add((name, dir));
        }
        // Not ready at first: wait until every probe has run (and failed) once.
        foreach (var (name, dir) in pods)
        {
            await Stamps.WaitAsync(Path.Combine(dir, "down"), 1, ReadyTimeout, $"pod {name}: first failing readiness probe", ct);
        }

        // One round trip per pod up and down, not counted: the first status writes of each pod.
        var warm = new LatencySamples("warm-up");
        await ToggleAsync(watch, pods, 2 * Pods, warm, warm, warm, new LatencySamples("warm-up detection"), ct);
        context.Log($"{Name}: warm-up done; {toggles} readiness toggles over {Pods} pods");

        var upSamples = new LatencySamples("probe passes → Ready=True on the watch");
        var downSamples = new LatencySamples("probe fails → Ready=False on the watch");
        var detect = new LatencySamples("marker toggled → probe stamped");
        var combined = new LatencySamples("probe result changes → Ready changed on the watch");
        var cpu = CpuMeter.Start(node.Pid);
        await ToggleAsync(watch, pods, toggles, upSamples, downSamples, combined, detect, ct);
        var all = report.Add(combined, $"both directions, {toggles} toggles over {Pods} pods (the others keep probing every 100 ms)", cpu);
        report.Add(upSamples, "exec probe's $EPOCHREALTIME on its first pass → watch event arrival (realtime)");
        report.Add(downSamples, "the same from its first failure");
        report.Add(detect, "for information: bounded by the 100 ms period plus the probe's bash start");
        report.Target("readiness change → API p99", all.P99, 50, "ms");

        // Last, because in a server's first ~20 s its own warm-up (JIT tiering, start-up work) reads up to
        // ten times the probes' cost: a few seconds in which nothing changes, all pods up, then all down.
        // The server's CPU is then mostly the exec probes' own (failing ones also record an event).
        await IdleCostAsync(node, report, watch.Current(pods[0].Name) is true ? "passing" : "failing", context.Quick, ct);
        await ToggleAsync(watch, pods, Pods, warm, warm, warm, new LatencySamples("warm-up detection"), ct);
        await IdleCostAsync(node, report, watch.Current(pods[0].Name) is true ? "passing" : "failing", context.Quick, ct);
    }

    private static async Task IdleCostAsync(NodeServer node, ScenarioReport report, string outcome, bool quick, CancellationToken ct)
    {
        var cpu = CpuMeter.Start(node.Pid);
        await Task.Delay(IdleWindow, ct);
        report.Add($"server CPU per exec probe, {outcome}", cpu.PerOperation((int)(Pods * IdleWindow / Period)), "ms",
            $"{IdleWindow.TotalSeconds:F0} s with nothing changing: {Pods} pods × a {outcome} exec probe (sh, nsenter, bash) every {Period.TotalMilliseconds:F0} ms"
            + (quick ? "; quick run: the server is seconds old and still warming up, so this reads high" : ""));
    }

    /// <summary>Flips <paramref name="count"/> pods' readiness one after another, round robin, recording both delays.</summary>
    private static async Task ToggleAsync(PodReadyWatch watch, List<(string Name, string Dir)> pods, int count,
        LatencySamples upSamples, LatencySamples downSamples, LatencySamples combined, LatencySamples detect, CancellationToken ct)
    {
        for (var i = 0; i < count; i++)
        {
            var (name, dir) = pods[i % pods.Count];
            var goUp = watch.Current(name) is not true;
            var (marker, stampFile) = (Path.Combine(dir, "ready"), Path.Combine(dir, goUp ? "up" : "down"));
            // Settle first: the pod must show the opposite state, so the event awaited below is a real change.
            await watch.UntilAsync(name, !goUp).WaitAsync(ToggleTimeout, ct);
            var seen = watch.UntilAsync(name, goUp);
            // The stale stamp from this direction's previous change goes before the marker flips.
            File.Delete(stampFile);
            var toggled = Stamps.UnixMicrosNow();
            if (goUp)
            {
                await File.WriteAllBytesAsync(marker, [], ct);
            }
            else
            {
                File.Delete(marker);
            }
            var arrived = await seen.WaitAsync(ToggleTimeout, ct);
            var stamp = (await Stamps.WaitAsync(stampFile, 1, ToggleTimeout, $"pod {name}: probe stamp", ct))[0];
            var delay = (arrived.UnixMicros - stamp) / 1000.0;
            (goUp ? upSamples : downSamples).AddMilliseconds(delay);
            combined.AddMilliseconds(delay);
            detect.AddMilliseconds((stamp - toggled) / 1000.0);
        }
    }
}
