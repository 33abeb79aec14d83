using System.Diagnostics;
using System.Globalization;
using Axolotl.Bench.Measurement;
using Axolotl.Bench.Reporting;
using Axolotl.Bench.Tracing;

namespace Axolotl.Bench.Scenarios;

/// <summary>
/// Container exit → replacement started, for the immediate first restart. Each pod (restartPolicy
/// OnFailure, image debian, so bash) runs a script whose first instance writes $EPOCHREALTIME (a bash
/// builtin: no fork between the stamp and the exit) to a marker file and exits 1; the second instance
/// sees the marker, writes its own start stamp as its first command and exits 0, so the pod ends
/// Succeeded without entering CrashLoopBackOff. The markers live in /dev/shm, which containers share
/// with the host (their /tmp is private per instance). The latency is second start − first exit, both
/// from the same realtime clock; it includes bash's own start-up (exec, linking) in the new instance,
/// so it slightly overstates the agent's part. The target series runs one pod at a time; a second series runs four at once. Each pod is deleted once measured.
/// A third series lets each first instance run 0.1 s before its exit stamp: the agent prepares a
/// container's next attempt while it runs (a standby), and an instance that ends within a few
/// milliseconds of its start ends before its standby is ready; the peers scenario runs PM2 on the same workload.
/// </summary>
internal sealed class RestartLatencyScenario : IScenario
{
    private const int Loaded = 4;
    private const int WarmUp = 4;
    private const string RunFor = "sleep 0.1; ";
    private static readonly TimeSpan PerPodTimeout = TimeSpan.FromSeconds(30);

    public string Name => "restart-latency";

    public string Description => "container exit → replacement process started (immediate first restart), p50/p99 over 60 (quick) or 240 crashes, one at a time; then half as many four at a time";

    public TimeSpan Budget(bool quick) => TimeSpan.FromSeconds(quick ? 60 : 150);

    public async Task RunAsync(BenchContext context, ScenarioReport report, CancellationToken ct)
    {
        var crashes = context.Quick ? 60 : 240;
        var markers = Directory.CreateDirectory(Path.Combine("/dev/shm", $"axolotl-bench-{Environment.ProcessId}-{Random.Shared.Next(1_000_000)}")).FullName;
        try
        {
            await using var node = await NodeServer.StartAsync(context, ct);
            using var api = context.Connect(node.Server);
            await node.WaitNodeReadyAsync(api, ct);

            var warm = new LatencySamples("warm-up");
            await RunPodsAsync(context, node, markers, "restart-warm", WarmUp, 1, warm, null, ct);
            context.Log($"{Name}: warm-up done; {crashes} crashes one pod at a time");

            var restart = new LatencySamples("exit → replacement started");
            var cycle = new LatencySamples("create → first instance started");
            var cpu = CpuMeter.Start(node.Pid);
            var wall = Stopwatch.StartNew();
            await RunPodsAsync(context, node, markers, "restart", crashes, 1, restart, cycle, ct);
            var seconds = wall.Elapsed.TotalSeconds;
            var summary = report.Add(restart,
                $"{crashes} pods, one at a time: first instance's last stamp before `exit 1` → second instance's first command (bash)", cpu);
            report.Add(cycle, "POST sent → the first instance's stamp, under the same load");
            report.Add("crashes per second", crashes / seconds, "1/s", "whole phase: create, crash, restart, delete");
            report.Target("first restart p50", summary.P50, 10, "ms");
            report.Target("first restart p99", summary.P99, 50, "ms");

            var loadedCrashes = crashes / 2;
            context.Log($"{Name}: {loadedCrashes} crashes, {Loaded} pods at a time");
            var loaded = new LatencySamples($"exit → replacement started, {Loaded} pods at a time");
            var loadedCpu = CpuMeter.Start(node.Pid);
            await RunPodsAsync(context, node, markers, "restart-loaded", loadedCrashes, Loaded, loaded, null, ct);
            report.Add(loaded, "the same with other pods being created, crashing and deleted meanwhile", loadedCpu);

            context.Log($"{Name}: {loadedCrashes} crashes after 0.1 s runs, one pod at a time");
            var ran = new LatencySamples("exit → replacement started, each first instance ran 0.1 s");
            var ranCpu = CpuMeter.Start(node.Pid);
            await RunPodsAsync(context, node, markers, "restart-ran", loadedCrashes, 1, ran, null, ct, RunFor);
            report.Add(ran, "one pod at a time, `sleep 0.1` before the exit stamp: the crash finds the next attempt prepared", ranCpu);
        }
        finally
        {
            Directory.Delete(markers, recursive: true);
        }
    }

    private static async Task RunPodsAsync(BenchContext context, NodeServer node, string markers, string prefix, int count,
        int inFlight, LatencySamples restart, LatencySamples? cycle, CancellationToken ct, string beforeExit = "")
    {
        var next = -1;
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var workers = Enumerable.Range(0, inFlight).Select(_ => Task.Run(async () =>
        {
            using var api = context.Connect(node.Server);
            try
            {
                while (Interlocked.Increment(ref next) is var i && i < count)
                {
                    var name = $"{prefix}-{i:D4}";
                    var marker = Path.Combine(markers, name);
                    var script = $"""
                        if [ -e {marker}.exit ]; then echo $EPOCHREALTIME >{marker}.start; exit 0; fi
                        echo $EPOCHREALTIME >{marker}.created-to-start; {beforeExit}echo $EPOCHREALTIME >{marker}.exit; exit 1
                        """;
                    var body = AgentPods.Pod(name, "debian", ["bash", "-c", script], "OnFailure");
                    var sentUnixMicros = UnixMicrosNow();
                    await api.CreateAsync(AgentPods.PodsPath, body, failed.Token);
                    await WaitForFileAsync(marker + ".start", name, failed.Token);
                    var (exited, started) = (ReadStamp(marker + ".exit"), ReadStamp(marker + ".start"));
                    restart.AddMilliseconds((started - exited) / 1000.0);
                    // The app's own stamps join the agent's and the launchers' trace (bench/restart-trace).
                    BenchTrace.MarkAt("app-exit", exited, name);
                    BenchTrace.MarkAt("app-start", started, name);
                    cycle?.AddMilliseconds((ReadStamp(marker + ".created-to-start") - sentUnixMicros) / 1000.0);
                    try
                    {
                        await api.SendAsync(HttpMethod.Delete, $"{AgentPods.PodsPath}/{name}?gracePeriodSeconds=1", null, null, System.Net.HttpStatusCode.OK, failed.Token);
                    }
                    catch (HttpRequestException e) when (e.Message.Contains("got 202", StringComparison.Ordinal))
                    {
                        // Accepted: deleted once the agent has stopped it.
                    }
                }
            }
            catch (Exception e) when (!failed.IsCancellationRequested)
            {
                await failed.CancelAsync();
                throw new InvalidOperationException($"restart-latency pod failed: {e.Message}", e);
            }
        }, failed.Token)).ToList();
        await Task.WhenAll(workers);
    }

    private static async Task WaitForFileAsync(string path, string pod, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        // Written with one echo: once it has a newline the stamp is complete.
        while (!File.Exists(path) || !File.ReadAllText(path).EndsWith('\n'))
        {
            if (waited.Elapsed > PerPodTimeout)
            {
                throw new TimeoutException($"pod {pod}: no second instance after {PerPodTimeout.TotalSeconds:F0} s");
            }
            await Task.Delay(5, ct);
        }
    }

    /// <summary>$EPOCHREALTIME ("seconds.micros") as microseconds since the epoch.</summary>
    private static long ReadStamp(string path)
    {
        var text = File.ReadAllText(path).Trim().Replace(',', '.');
        var parts = text.Split('.');
        return long.Parse(parts[0], CultureInfo.InvariantCulture) * 1_000_000 + long.Parse(parts[1].PadRight(6, '0')[..6], CultureInfo.InvariantCulture);
    }

    private static long UnixMicrosNow() => (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks / 10;
}
