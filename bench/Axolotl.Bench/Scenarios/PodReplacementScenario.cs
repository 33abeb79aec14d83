using System.Diagnostics;
using Axolotl.Bench.Measurement;
using Axolotl.Bench.Reporting;
using Axolotl.Bench.Scenarios.Workloads;

namespace Axolotl.Bench.Scenarios;

/// <summary>
/// A Deployment's pod deleted → its replacement Running. A Deployment of 5 busybox sleepers on a node
/// server; one Running pod at a time is deleted (gracePeriodSeconds 1) and the clock runs from before
/// the DELETE is sent to the arrival of the watch event showing a pod that did not exist before Running
/// with its container running. The ReplicaSet controller does not wait for the old pod to go (a
/// terminating pod is not active), so this is controller reaction + scheduling + container start. The
/// next deletion waits until the old pod is gone and all replicas run again.
/// </summary>
internal sealed class PodReplacementScenario : IScenario
{
    private const int Replicas = 5;
    private const int WarmUp = 2;
    private const string App = "replace";
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(30);

    public string Name => "pod-replacement";

    public string Description => $"Deployment of {Replicas}: pod deleted (grace 1 s) → replacement Running on a watch; p50/p99 over 10 (quick) or 30 deletions";

    public TimeSpan Budget(bool quick) => TimeSpan.FromSeconds(quick ? 40 : 90);

    public async Task RunAsync(BenchContext context, ScenarioReport report, CancellationToken ct)
    {
        var deletions = context.Quick ? 10 : 30;
        await using var node = await NodeServer.StartAsync(context, ct);
        using var api = context.Connect(node.Server);
        await node.WaitNodeReadyAsync(api, ct);
        await using var watch = await PodSetWatch.OpenAsync(node.Server.Kubeconfig, context.Http2, WorkloadApi.Namespace, ct);

        await WorkloadApi.CreateDeploymentAsync(api, App, Replicas, "busybox", ct);
        await watch.WaitAsync(pods => AllRunning(pods), StepTimeout, $"{Replicas} replicas Running", ct);
        try
        {
            var warm = new LatencySamples("warm-up");
            await DeleteAndReplaceAsync(api, watch, WarmUp, warm, null, ct);
            context.Log($"{Name}: warm-up done; {deletions} deletions");

            var running = new LatencySamples("DELETE sent → replacement Running");
            var created = new LatencySamples("DELETE sent → replacement created (ADDED)");
            var cpu = CpuMeter.Start(node.Pid);
            await DeleteAndReplaceAsync(api, watch, deletions, running, created, ct);
            var summary = report.Add(running, $"{deletions} deletions one after another, {WarmUp} warm-up before; server CPU includes the controllers and the agent", cpu);
            report.Add(created, "the replacement pod's ADDED event (ReplicaSet controller reaction)");
            report.Target("pod deleted → replacement Running p50", summary.P50, 300, "ms");
        }
        finally
        {
            await WorkloadApi.DeleteDeploymentAndWaitAsync(api, watch, App);
        }
    }

    private static bool AllRunning(IReadOnlyCollection<PodState> pods) =>
        pods.Count(p => p.App == App && p.Running && !p.Terminating) == Replicas;

    private static async Task DeleteAndReplaceAsync(Infrastructure.ApiClient api, PodSetWatch watch, int count,
        LatencySamples running, LatencySamples? created, CancellationToken ct)
    {
        for (var i = 0; i < count; i++)
        {
            var before = watch.Snapshot().Where(p => p.App == App).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            var victim = watch.Snapshot().Where(p => p.App == App && p.Running && !p.Terminating).OrderBy(p => p.Name, StringComparer.Ordinal).First().Name;
            var isAdded = watch.WaitAsync(pods => pods.Any(p => p.App == App && !before.Contains(p.Name)), StepTimeout, "replacement created", ct);
            var isRunning = watch.WaitAsync(pods => pods.Any(p => p.App == App && !before.Contains(p.Name) && p.Running && !p.Terminating), StepTimeout, "replacement Running", ct);
            var sent = Stopwatch.GetTimestamp();
            await WorkloadApi.DeleteAsync(api, $"/api/v1/namespaces/{WorkloadApi.Namespace}/pods/{victim}?gracePeriodSeconds=1", ct);
            running.Add(sent, await isRunning);
            created?.Add(sent, await isAdded);
            await watch.WaitAsync(pods => pods.All(p => p.Name != victim) && AllRunning(pods), StepTimeout, $"{victim} gone and {Replicas} replicas Running", ct);
        }
    }
}
