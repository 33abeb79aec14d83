using System.Diagnostics;
using Axolotl.Bench.Measurement;
using Axolotl.Bench.Reporting;
using Axolotl.Bench.Scenarios.Workloads;

namespace Axolotl.Bench.Scenarios;

/// <summary>
/// Rolling update of 10 replicas end to end: a Deployment of 10 sleepers (default RollingUpdate
/// strategy: maxSurge 25 % → 3, maxUnavailable 25 % → 2, terminationGracePeriodSeconds 1) gets its
/// container image changed, as `kubectl set image` does (busybox ↔ debian, two bundled seed images running
/// `sleep`). The clock runs from before the update is sent (GET + PUT) to the arrival of the watch
/// event after which the namespace holds exactly 10 pods of the Deployment, all with the new image,
/// Ready and not terminating: every new pod Ready and every old one gone.
/// </summary>
internal sealed class RollingUpdateScenario : IScenario
{
    private const int Replicas = 10;
    private const string App = "rollout";
    private static readonly string[] Images = ["busybox", "debian"];
    private static readonly TimeSpan RolloutTimeout = TimeSpan.FromSeconds(60);

    public string Name => "rolling-update";

    public string Description => $"Deployment of {Replicas}: image changed → all new pods Ready and old ones gone (watch); 1 (quick) or 3 rollouts";

    public TimeSpan Budget(bool quick) => TimeSpan.FromSeconds(quick ? 40 : 90);

    public async Task RunAsync(BenchContext context, ScenarioReport report, CancellationToken ct)
    {
        var rollouts = context.Quick ? 1 : 3;
        await using var node = await NodeServer.StartAsync(context, ct);
        using var api = context.Connect(node.Server);
        await node.WaitNodeReadyAsync(api, ct);
        await using var watch = await PodSetWatch.OpenAsync(node.Server.Kubeconfig, context.Http2, WorkloadApi.Namespace, ct);

        var initial = Stopwatch.GetTimestamp();
        await WorkloadApi.CreateDeploymentAsync(api, App, Replicas, Images[0], ct);
        var created = await watch.WaitAsync(pods => RolledOut(pods, Images[0]), RolloutTimeout, $"{Replicas} replicas Ready", ct);
        report.Add("create → 10 replicas Ready", Stopwatch.GetElapsedTime(initial, created).TotalMilliseconds, "ms", "the Deployment's first rollout, for comparison (slow-start batches of the ReplicaSet)");
        try
        {
            var samples = new LatencySamples("image changed → 10 new pods Ready, old ones gone");
            var cpu = CpuMeter.Start(node.Pid);
            for (var i = 1; i <= rollouts; i++)
            {
                var image = Images[i % Images.Length];
                var sent = Stopwatch.GetTimestamp();
                await WorkloadApi.SetImageAsync(api, App, image, ct);
                var done = await watch.WaitAsync(pods => RolledOut(pods, image), RolloutTimeout, $"rollout {i} to {image}", ct);
                samples.Add(sent, done);
                var ms = Stopwatch.GetElapsedTime(sent, done).TotalMilliseconds;
                report.Add($"rollout {i} ({Images[(i - 1) % Images.Length]} → {image})", ms, "ms");
                context.Log($"{Name}: rollout {i} to {image} in {ms:F0} ms");
            }
            report.Add(samples, $"{rollouts} rollout(s) of {Replicas} replicas, maxSurge 3, maxUnavailable 2; server CPU per rollout", cpu);
        }
        finally
        {
            await WorkloadApi.DeleteDeploymentAndWaitAsync(api, watch, App);
        }
    }

    private static bool RolledOut(IReadOnlyCollection<PodState> pods, string image)
    {
        var mine = pods.Where(p => p.App == App).ToList();
        return mine.Count == Replicas && mine.All(p => p.Image is { } i && (i == image || i.EndsWith('/' + image, StringComparison.Ordinal)) && p.Ready && !p.Terminating);
    }
}
