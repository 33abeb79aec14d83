using System.Diagnostics;
using Axolotl.Bench.Measurement;
using Axolotl.Bench.Reporting;
using Axolotl.Bench.Scenarios.Workloads;

namespace Axolotl.Bench.Scenarios;

/// <summary>
/// Node killed → its Deployment's pods Running on the surviving node, with the fast-failover profile
/// (server: --node-monitor-grace-period 4s --default-toleration-seconds 2; both nodes renew their
/// Lease every second). A node server plus one `axolotl agent` process; the server node is cordoned
/// while the Deployment's pods are placed, so all of them land on the agent node, then uncordoned.
/// The node dies: the agent gets SIGKILL and its cgroups are killed. The clock runs from just before
/// the SIGKILL to the arrival of the watch event after which every replica runs (container running,
/// not terminating) on the server node; on the way it records when the node stops being Ready
/// (polled every 100 ms) and when the first pod is evicted (its deletion timestamp on the watch).
/// Between rounds the agent comes back, cleans up its stale pods and the Deployment is deleted.
/// Kubernetes' defaults are reported as documented; <see cref="WithKubernetesDefaults"/> measures
/// them too (one round of about six minutes, so only when asked for with --only).
/// </summary>
internal sealed class NodeFailoverScenario(string name, double graceSeconds, double tolerationSeconds, TimeSpan stepTimeout) : IScenario
{
    private const int Replicas = 4;
    private double GraceSeconds { get; } = graceSeconds;
    private double TolerationSeconds { get; } = tolerationSeconds;
    private TimeSpan StepTimeout { get; } = stepTimeout;

    /// <summary>The documented fast-failover profile: grace 4 s, tolerations 2 s.</summary>
    public static NodeFailoverScenario FastProfile() => new("node-failover", 4, 2, TimeSpan.FromSeconds(60));

    /// <summary>Kubernetes 1.32's defaults: grace 50 s, default tolerations 300 s (agents still renew their Lease every second).</summary>
    public static NodeFailoverScenario WithKubernetesDefaults() => new("node-failover-defaults", 50, 300, TimeSpan.FromSeconds(420));

    private bool Fast => GraceSeconds < 50;

    public string Name => name;

    public string Description => Fast
        ? $"server node + agent process, Deployment of {Replicas} on the agent: agent SIGKILLed and its containers killed → all replicas Running on the server node; fast profile (grace 4 s, tolerations 2 s); 1 (quick) or 3 rounds"
        : $"the same with Kubernetes' defaults (grace 50 s, tolerations 300 s), 1 round of about 6 minutes; not in the default runs (--only {name})";

    public TimeSpan Budget(bool quick) => Fast ? TimeSpan.FromSeconds(quick ? 60 : 150) : TimeSpan.FromSeconds(480);

    public async Task RunAsync(BenchContext context, ScenarioReport report, CancellationToken ct)
    {
        var rounds = context.Quick || !Fast ? 1 : 3;
        report.Add("Kubernetes defaults (documented, not measured)", 50 + 5 + 300, "s",
            "node-monitor-grace-period 50 s (40 s before 1.32) + ≤ 5 s monitor period + 300 s default NoExecute tolerations, then pod start: ≈ 6 min (shared/docs/kubernetes-behaviour.md); axolotl's own defaults are 40 s + 300 s");
        using var flags = await ServerFlags.CreateAsync(context,
            ["--node-monitor-grace-period", $"{GraceSeconds}s", "--default-toleration-seconds", $"{TolerationSeconds}", "--node-lease-interval", "1s"], ct);
        await using var node = await NodeServer.StartAsync(flags.Context, ct);
        using var api = context.Connect(node.Server);
        await node.WaitNodeReadyAsync(api, ct);
        await using var agent = await AgentNode.StartAsync(context, context.Options.ServerBinary, node, ct);
        await WaitNodeReadyAsync(api, agent.NodeName, ct);
        await using var watch = await PodSetWatch.OpenAsync(node.Server.Kubeconfig, context.Http2, WorkloadApi.Namespace, ct);

        var total = new LatencySamples("node killed → all replicas Running on the other node");
        var notReady = new LatencySamples("node killed → node not Ready (100 ms polling)");
        var evicted = new LatencySamples("node killed → first pod evicted");
        var cpu = CpuMeter.Start(node.Pid);
        for (var round = 1; round <= rounds; round++)
        {
            var app = $"failover-{round}";
            await WorkloadApi.SetUnschedulableAsync(api, node.NodeName, true, ct);
            await WorkloadApi.CreateDeploymentAsync(api, app, Replicas, "busybox", ct);
            await watch.WaitAsync(pods => pods.Count(p => p.App == app && p.Running && p.NodeName == agent.NodeName) == Replicas, StepTimeout,
                $"{Replicas} replicas Running on {agent.NodeName}", ct);
            await WorkloadApi.SetUnschedulableAsync(api, node.NodeName, false, ct);

            var isEvicted = watch.WaitAsync(pods => pods.Any(p => p.App == app && p.NodeName == agent.NodeName && p.Terminating), StepTimeout, "first eviction", ct);
            var isMoved = watch.WaitAsync(pods => pods.Count(p => p.App == app && p.ControllerOwned && p.Running && !p.Terminating && p.NodeName == node.NodeName) == Replicas,
                StepTimeout, $"{Replicas} replicas Running on {node.NodeName}", ct);
            var killed = Stopwatch.GetTimestamp();
            await agent.KillAsync();
            var isNotReady = PollNotReadyAsync(api, agent.NodeName, ct);
            var moved = await isMoved;
            total.Add(killed, moved);
            evicted.Add(killed, await isEvicted);
            notReady.Add(killed, await isNotReady);
            var seconds = Stopwatch.GetElapsedTime(killed, moved).TotalSeconds;
            report.Add($"round {round}: node killed → {Replicas} replicas Running elsewhere", seconds, "s");
            context.Log($"{Name}: round {round}: all {Replicas} replicas Running on {node.NodeName} {seconds:F1} s after the kill");

            // The node returns: its agent removes the evicted pods' leftovers, then the next round starts clean.
            var back = Stopwatch.GetTimestamp();
            await agent.RestartAsync(ct);
            await WaitNodeReadyAsync(api, agent.NodeName, ct);
            report.Add($"round {round}: agent restarted → node Ready", Stopwatch.GetElapsedTime(back).TotalSeconds, "s");
            await watch.WaitAsync(pods => !pods.Any(p => p.App == app && p.NodeName == agent.NodeName), StepTimeout, $"stale pods of {agent.NodeName} removed", ct);
            if (watch.Snapshot().Count(p => p.App == app) != Replicas)
            {
                throw new InvalidOperationException($"after the node came back {app} has {watch.Snapshot().Count(p => p.App == app)} pods, want {Replicas}");
            }
            await WorkloadApi.DeleteDeploymentAndWaitAsync(api, watch, app);
        }
        var summary = report.Add(total, $"{rounds} round(s), {Replicas} replicas, grace {GraceSeconds} s + tolerations {TolerationSeconds} s; server CPU per round", cpu);
        report.Add(notReady, $"the node lifecycle controller's verdict (grace {GraceSeconds} s after the last Lease renewal)");
        report.Add(evicted, $"NoExecute taint + tolerationSeconds {TolerationSeconds}");
        if (Fast)
        {
            report.Target("node killed → replicas Running elsewhere (fast profile), worst", summary.Max / 1000, 15, "s");
        }
    }

    private async Task WaitNodeReadyAsync(Infrastructure.ApiClient api, string nodeName, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (await ReadyOrMissingAsync(api, nodeName, ct) != "True")
        {
            if (waited.Elapsed > StepTimeout)
            {
                throw new TimeoutException($"node {nodeName} not Ready within {StepTimeout.TotalSeconds:F0} s");
            }
            await Task.Delay(100, ct);
        }
    }

    private async Task<long> PollNotReadyAsync(Infrastructure.ApiClient api, string nodeName, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (await ReadyOrMissingAsync(api, nodeName, ct) == "True")
        {
            if (waited.Elapsed > StepTimeout)
            {
                throw new TimeoutException($"node {nodeName} still Ready {StepTimeout.TotalSeconds:F0} s after its agent was killed");
            }
            await Task.Delay(100, ct);
        }
        return Stopwatch.GetTimestamp();
    }

    private static async Task<string?> ReadyOrMissingAsync(Infrastructure.ApiClient api, string nodeName, CancellationToken ct)
    {
        try
        {
            return await WorkloadApi.NodeReadyAsync(api, nodeName, ct);
        }
        catch (HttpRequestException e) when (e.Message.Contains("got 404", StringComparison.Ordinal))
        {
            return null;
        }
    }
}
