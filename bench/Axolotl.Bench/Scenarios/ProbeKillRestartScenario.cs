using System.Net;
using System.Text.Json;
using Axolotl.Bench.Measurement;
using Axolotl.Bench.Reporting;
using Axolotl.Bench.Scenarios.Probes;

namespace Axolotl.Bench.Scenarios;

/// <summary>
/// Failing liveness probe → replacement container running. Each pod (restartPolicy Always, image
/// debian) runs bash that takes $EPOCHREALTIME as its first command, clears the <c>fail</c> marker if
/// set, appends the stamp to <c>start</c> and execs <c>sleep</c> (so SIGTERM ends it at once: the grace
/// actually used is ~0). Its exec liveness probe (failureThreshold 1, period 100 ms through the timing
/// annotation) passes, and once the benchmark writes <c>fail</c>, clears it, stamps <c>probe-failed</c>
/// and exits 1. The probe clears the marker itself (with bash builtins only) because the replacement's
/// first probe runs at its start and could otherwise still see it and kill it again, adding a back-off.
/// The latency is the second start stamp − the probe's failing stamp: the probe's own exit,
/// the agent noticing it, the Killing event, SIGTERM, the exit being seen, the immediate first
/// restart and bash starting. Detection (fail created → probe-failed) is bounded by the period and
/// reported for information; the moment within the period is randomised (fixed seed). To show where
/// the time goes, the old instance's `sleep` is found in the pod's pids cgroup and its exit stamped
/// through a pidfd, splitting the latency into the kill (probe failed → old app exited) and the restart.
/// Markers live in /dev/shm (shared with containers); one pod at a time, each deleted once measured.
/// </summary>
internal sealed class ProbeKillRestartScenario : IScenario
{
    private const int WarmUp = 3;
    private const string Timing = "period=100ms";
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan PerStepTimeout = TimeSpan.FromSeconds(30);

    public string Name => "probe-kill-restart";

    public string Description => "failing liveness probe (threshold 1, period 100 ms) → replacement container running, 20 (quick) or 100 pods one at a time";

    public TimeSpan Budget(bool quick) => TimeSpan.FromSeconds(quick ? 60 : 150);

    public async Task RunAsync(BenchContext context, ScenarioReport report, CancellationToken ct)
    {
        var samples = context.Quick ? 20 : 100;
        using var markers = MarkerDirectory.Create("probekill");
        await using var node = await NodeServer.StartAsync(context, ct);
        using var api = context.Connect(node.Server);
        await node.WaitNodeReadyAsync(api, ct);
        var random = new Random(4);

        var warm = new Series(new("warm-up"), new("warm-up"), new("warm-up"), new("warm-up"));
        await RunPodsAsync(node, api, markers, "probekill-warm", WarmUp, random, warm, ct);
        context.Log($"{Name}: warm-up done; {samples} probe kills one pod at a time");

        var series = new Series(new("probe failed → replacement running"), new("fail marker → probe failed"),
            new("probe failed → old app exited"), new("old app exited → replacement running"));
        var cpu = CpuMeter.Start(node.Pid);
        await RunPodsAsync(node, api, markers, "probekill", samples, random, series, ct);
        var summary = report.Add(series.Kill,
            $"{samples} pods one at a time: the failing exec probe's $EPOCHREALTIME before `exit 1` → the second instance's first command (bash); grace needed ~0 (exec sleep)", cpu);
        if (series.Exited.Count > 0)
        {
            report.Add(series.Exited, "the kill: exec exit seen, result published, pod lane, Killing event, SIGTERM to the init, forwarded to sleep (its exit stamped through a pidfd)");
            report.Add(series.Restarted, "the restart: exit seen by the agent, restart decided (immediate), new container launched, bash's first command");
        }
        report.Add(series.Detect, $"for information: bounded by the {Period.TotalMilliseconds:F0} ms period plus the probe's bash start (fail created at a random point of the period)");
        report.Target("probe kill → replacement p99", summary.P99, 50, "ms");
    }

    private static async Task RunPodsAsync(NodeServer node, Infrastructure.ApiClient api, MarkerDirectory markers, string prefix, int count, Random random,
        Series series, CancellationToken ct)
    {
        for (var i = 0; i < count; i++)
        {
            var name = $"{prefix}-{i:D4}";
            var dir = markers.For(name);
            var (start, fail, failed, ok) = (Path.Combine(dir, "start"), Path.Combine(dir, "fail"), Path.Combine(dir, "probe-failed"), Path.Combine(dir, "ok"));
            // A non-empty fail marker means fail. The failing probe empties it (a builtin redirection, no
            // fork), so the replacement's own first probe, which may run before its bash does, passes.
            var main = $"t=$EPOCHREALTIME; if [ -s {fail} ]; then : >{fail}; fi; echo $t >>{start}; exec sleep 600";
            var probe = $"if [ -s {fail} ]; then : >{fail}; echo $EPOCHREALTIME >{failed}; exit 1; fi; [ -e {ok} ] || : >{ok}; exit 0";
            var body = ProbePods.Pod(name, "Always", new Dictionary<string, string> { [ProbePods.TimingKey("liveness")] = Timing },
                ProbePods.Container("c", "debian", ["bash", "-c", main], liveness: ProbePods.BashProbe(probe, failureThreshold: 1)));
            string uid;
            using (var created = JsonDocument.Parse(await api.CreateAsync(AgentPods.PodsPath, body, ct)))
            {
                uid = created.RootElement.GetProperty("metadata").GetProperty("uid").GetString() ?? "";
            }
            await Stamps.WaitAsync(start, 1, PerStepTimeout, $"pod {name}: first instance", ct);
            var appExit = await FindAppAsync(node, uid, ct) is { } app ? ProcessExit.Watch(app, PerStepTimeout, ct) : null;
            // The probe has passed once: its worker runs. Then fail at a random point of the period.
            await Stamps.WaitExistsAsync(ok, PerStepTimeout, $"pod {name}: first passing probe", ct);
            await Task.Delay(TimeSpan.FromMilliseconds(random.NextDouble() * Period.TotalMilliseconds), ct);

            var failCreated = Stamps.UnixMicrosNow();
            await File.WriteAllTextAsync(fail, "fail\n", ct);
            var starts = await Stamps.WaitAsync(start, 2, PerStepTimeout, $"pod {name}: replacement after the probe failed", ct);
            var probeFailed = Stamps.Read(failed) is [var stamp, ..] ? stamp
                : throw new InvalidOperationException($"pod {name}: restarted without its probe stamping a failure");
            series.Kill.AddMilliseconds((starts[1] - probeFailed) / 1000.0);
            series.Detect.AddMilliseconds((probeFailed - failCreated) / 1000.0);
            if (appExit is not null)
            {
                var exited = await appExit;
                series.Exited.AddMilliseconds((exited - probeFailed) / 1000.0);
                series.Restarted.AddMilliseconds((starts[1] - exited) / 1000.0);
            }
            try
            {
                await api.SendAsync(HttpMethod.Delete, $"{AgentPods.PodsPath}/{name}?gracePeriodSeconds=1", null, null, HttpStatusCode.OK, ct);
            }
            catch (HttpRequestException e) when (e.Message.Contains("got 202", StringComparison.Ordinal))
            {
                // Accepted: deleted once the agent has stopped it.
            }
        }
    }

    /// <summary>The host PID of the container's `sleep 600` (bash may not have exec'd it yet: a short wait); null if not found, and the split misses this sample.</summary>
    private static async Task<int?> FindAppAsync(NodeServer node, string uid, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (FindApp(node, uid) is { } pid)
            {
                return pid;
            }
            await Task.Delay(10, ct);
        }
        return null;
    }

    private static int? FindApp(NodeServer node, string uid)
    {
        var podCgroup = Path.Combine(node.CgroupRoot("pids"), uid);
        if (!Directory.Exists(podCgroup))
        {
            return null;
        }
        foreach (var procs in Directory.EnumerateFiles(podCgroup, "cgroup.procs", SearchOption.AllDirectories))
        {
            foreach (var line in File.ReadLines(procs))
            {
                try
                {
                    if (int.TryParse(line, out var pid) && File.ReadAllText($"/proc/{pid}/cmdline") == "sleep\0600\0")
                    {
                        return pid;
                    }
                }
                catch (IOException)
                {
                    // A probe's process that has gone meanwhile.
                }
            }
        }
        return null;
    }

    private sealed record Series(LatencySamples Kill, LatencySamples Detect, LatencySamples Exited, LatencySamples Restarted);
}
