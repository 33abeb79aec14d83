using System.Diagnostics;
using System.Globalization;
using System.Net;
using Axolotl.Bench.Infrastructure;
using Axolotl.Bench.Measurement;
using Axolotl.Bench.Tracing;

namespace Axolotl.Bench.Scenarios.Peers;

/// <summary>
/// Axolotl's side of the comparison, from a node server of its own (<see cref="NodeServer"/>), by the
/// restart-latency and agent-rss scenarios' methods, on a smaller sample:
/// - restart: pods (debian, restartPolicy OnFailure) whose bash stamps its exit just before `exit 1` and
///   whose second instance stamps its start as its first command, one pod at a time: the first, immediate
///   restart (later ones back off, as in Kubernetes); then the same with each first instance running
///   0.1 s before its exit stamp (the agent's prepared next attempt is ready by then);
/// - memory: the server's PSS idle (after the restart phase, pods gone) and with N running `sleep 3600`
///   pods, plus the processes each container brings (its launcher, the next attempt's standby, the init; the
///   app not counted).
/// </summary>
internal static class AxolotlSample
{
    private const int WarmUp = 2;
    private const int Clients = 4;
    private static readonly TimeSpan PerPodTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RunningTimeout = TimeSpan.FromSeconds(60);

    public static async Task<(LatencySamples Restarts, LatencySamples Ran, PeerMemory Memory)> RunAsync(BenchContext context, string markers, int crashes, int pods,
        TimeSpan settle, Action<LatencySamples, string> restartsMeasured, CancellationToken ct)
    {
        await using var node = await NodeServer.StartAsync(context, ct);
        using var api = context.Connect(node.Server);
        await node.WaitNodeReadyAsync(api, ct);

        var warm = new LatencySamples("warm-up");
        for (var i = 0; i < WarmUp; i++)
        {
            await CrashOnceAsync(api, markers, $"peer-warm-{i:D2}", warm, ct);
        }
        var restarts = new LatencySamples(PeerNames.RestartSeries(PeerNames.Axolotl));
        for (var i = 0; i < crashes; i++)
        {
            await CrashOnceAsync(api, markers, $"peer-crash-{i:D3}", restarts, ct);
        }
        restartsMeasured(restarts, "first restart of each pod (restartPolicy OnFailure, one pod at a time); later restarts back off: 10 s doubling to 300 s by default, as Kubernetes");
        var ran = new LatencySamples(PeerNames.RanSeries(PeerNames.Axolotl));
        for (var i = 0; i < crashes; i++)
        {
            await CrashOnceAsync(api, markers, $"peer-ran-{i:D3}", ran, ct, "sleep 0.1; ");
        }
        restartsMeasured(ran, "the same with `sleep 0.1` before the first instance's exit stamp: its next attempt is prepared by then");
        context.Log($"{PeerNames.Scenario}: axolotl: {crashes} first restarts measured; memory with {pods} pods");

        // Idle: the crash pods gone from the runtime too.
        while (Directory.Exists(node.RuntimePodsDirectory) && Directory.EnumerateDirectories(node.RuntimePodsDirectory).Any())
        {
            await Task.Delay(50, ct);
        }
        await Task.Delay(settle, ct);
        var idle = PeerProcesses.Memory(node.Pid) ?? throw new InvalidOperationException("the server exited");

        await using var watch = await WatchStream.OpenRunningAsync(node.Server.Kubeconfig, context.Http2, AgentPods.Namespace, ct);
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            using var client = context.Connect(node.Server);
            while (Interlocked.Increment(ref next) is var i && i < pods)
            {
                await client.CreateAsync(AgentPods.PodsPath, AgentPods.Sleeper($"peer-rss-{i:D3}"), ct);
            }
        }, ct)));
        await Task.WhenAll(Enumerable.Range(0, pods).Select(i => watch.MatchedAsync($"peer-rss-{i:D3}"))).WaitAsync(RunningTimeout, ct);
        await Task.Delay(settle, ct);
        var loaded = PeerProcesses.Memory(node.Pid) ?? throw new InvalidOperationException("the server exited");
        var overhead = ContainerProcesses.Find(node.NodeName, node.Server.DataDir, node.Pid).Where(p => p.Role != ContainerProcesses.AppRole).ToList();
        var roles = string.Join(", ", overhead.GroupBy(p => p.Role).Select(g =>
            string.Create(CultureInfo.InvariantCulture, $"{g.Key} ×{g.Count()}: {g.Sum(p => p.PssKb) / (double)pods:F0} kB per pod")));
        var server = string.Create(CultureInfo.InvariantCulture, $"the server's growth {(loaded.PssKb - idle.PssKb) / (double)pods:F0} kB per pod");
        var memory = new PeerMemory(pods, idle.PssKb, idle.RssKb, loaded.PssKb, loaded.RssKb, overhead.Sum(p => p.PssKb), overhead.Sum(p => p.RssKb),
            $"the server process (API, controllers, agent) PSS with N running pods − idle (idle: after the restart phase, its pods gone), plus every container process but the app ({roles}), over N ({server})");
        return (restarts, ran, memory);
    }

    /// <summary>One pod, one crash, one restart: the restart-latency scenario's script and stamps.</summary>
    private static async Task CrashOnceAsync(ApiClient api, string markers, string name, LatencySamples restarts, CancellationToken ct, string beforeExit = "")
    {
        var marker = Path.Combine(markers, name);
        var script = $"""
            if [ -e {marker}.exit ]; then echo $EPOCHREALTIME >{marker}.start; exit 0; fi
            {beforeExit}echo $EPOCHREALTIME >{marker}.exit; exit 1
            """;
        await api.CreateAsync(AgentPods.PodsPath, AgentPods.Pod(name, "debian", ["bash", "-c", script], "OnFailure"), ct);
        var waited = Stopwatch.StartNew();
        // Written with one echo: once it ends in a newline the stamp is complete.
        while (!File.Exists(marker + ".start") || !File.ReadAllText(marker + ".start").EndsWith('\n'))
        {
            if (waited.Elapsed > PerPodTimeout)
            {
                throw new TimeoutException($"pod {name}: no second instance after {PerPodTimeout.TotalSeconds:F0} s");
            }
            await Task.Delay(5, ct);
        }
        var (exited, started) = (CrashLoop.ParseStamp(File.ReadAllText(marker + ".exit")), CrashLoop.ParseStamp(File.ReadAllText(marker + ".start")));
        restarts.AddMilliseconds((started - exited) / 1000.0);
        // With AXOLOTL_RESTART_TRACE, bench/restart-trace lines these up with the agent's and launchers' steps.
        BenchTrace.MarkAt("app-exit", exited, name);
        BenchTrace.MarkAt("app-start", started, name);
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
