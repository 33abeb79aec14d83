using System.Globalization;
using Axolotl.Bench.Infrastructure;
using Axolotl.Bench.Reporting;

namespace Axolotl.Bench.Scenarios;

/// <summary>
/// Memory of the server (API server, controllers, scheduler and node agent in one process) idle with
/// no pods and with 100 running pods (busybox `sleep 3600`), and, separately, of the processes each
/// container brings along: the launcher (or recorder shell) outside the container, the container's
/// init (axolotl-init, or tini under the shell chain), and the app itself. Processes are found by their v1 pids cgroup (under the node's
/// root) or, for the recorder shells that stay outside it, by the server's data dir on their command
/// line. RSS counts shared pages (libc, the shell) once per process; PSS splits them, so PSS sums are
/// what the processes really add up to.
/// </summary>
internal sealed class AgentRssScenario : IScenario
{
    private const int Pods = 100;
    private const int Clients = 8;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RunningTimeout = TimeSpan.FromSeconds(40);

    public string Name => "agent-rss";

    public string Description => "server + agent RSS with 0 and 100 running pods; container processes' own overhead";

    public TimeSpan Budget(bool quick) => TimeSpan.FromSeconds(quick ? 60 : 90);

    public async Task RunAsync(BenchContext context, ScenarioReport report, CancellationToken ct)
    {
        await using var node = await NodeServer.StartAsync(context, ct);
        using (var api = context.Connect(node.Server))
        {
            await node.WaitNodeReadyAsync(api, ct);
        }
        await Task.Delay(Settle, ct);
        var idle = ProcStatus.RssMegabytes(node.Pid);
        report.Add("server RSS, 0 pods", idle, "MB", "VmRSS 5 s after the node is Ready");
        report.Target("server RSS with 0 pods", idle, 150, "MB");

        await using var watch = await WatchStream.OpenRunningAsync(node.Server.Kubeconfig, context.Http2, AgentPods.Namespace, ct);
        context.Log($"{Name}: creating {Pods} pods with {Clients} clients");
        var next = -1;
        var creators = Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            using var api = context.Connect(node.Server);
            while (Interlocked.Increment(ref next) is var i && i < Pods)
            {
                await api.CreateAsync(AgentPods.PodsPath, AgentPods.Sleeper($"rss-{i:D4}"), ct);
            }
        }, ct));
        await Task.WhenAll(creators);
        await Task.WhenAll(Enumerable.Range(0, Pods).Select(i => watch.MatchedAsync($"rss-{i:D4}"))).WaitAsync(RunningTimeout, ct);
        context.Log($"{Name}: {Pods} pods running; settling {Settle.TotalSeconds:F0} s");
        await Task.Delay(Settle, ct);

        var loaded = ProcStatus.RssMegabytes(node.Pid);
        report.Add($"server RSS, {Pods} running pods", loaded, "MB", "VmRSS 5 s after the last pod was Running");
        report.Add("server peak RSS", ProcStatus.PeakRssMegabytes(node.Pid), "MB", "VmHWM over the scenario");
        report.Target($"server RSS with {Pods} pods", loaded, 250, "MB");

        var processes = ContainerProcesses.Find(node.NodeName, node.Server.DataDir, node.Pid);
        foreach (var group in processes.GroupBy(p => p.Role).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            report.Add($"{group.Key}: {group.Count()} processes, PSS", group.Sum(p => p.PssKb) / 1024.0, "MB",
                $"RSS sum {group.Sum(p => p.RssKb) / 1024.0:F1} MB");
        }
        var overhead = processes.Where(p => p.Role != ContainerProcesses.AppRole).ToList();
        report.Add("container overhead per pod, PSS", overhead.Sum(p => p.PssKb) / (double)Pods, "kB",
            $"all but the app (sleep): {overhead.Count} processes for {Pods} pods, RSS sum {overhead.Sum(p => p.RssKb) / 1024.0:F1} MB");
        report.Add("container overhead, PSS total", overhead.Sum(p => p.PssKb) / 1024.0, "MB",
            string.Create(CultureInfo.InvariantCulture, $"roles: {string.Join(", ", overhead.GroupBy(p => p.Role).Select(g => $"{g.Key} ×{g.Count()}"))}"));
    }
}
