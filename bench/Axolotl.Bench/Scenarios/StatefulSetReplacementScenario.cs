using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Axolotl.Bench.Measurement;
using Axolotl.Bench.Reporting;
using Axolotl.Bench.Scenarios.Workloads;

namespace Axolotl.Bench.Scenarios;

/// <summary>
/// A StatefulSet's pod deleted → the pod of the same name Running again on its own claim. A
/// StatefulSet of 3 busybox sleepers, each with a local-path claim from a volumeClaimTemplate, on a
/// node server; one pod at a time (ordinals in turn) is deleted with gracePeriodSeconds 1 and the
/// clock runs from before the DELETE is sent to the arrival of the watch event showing that name
/// Running again after it was gone. Unlike a ReplicaSet, the StatefulSet controller must wait until
/// the old pod is gone (the name is the identity), so this is the old pod's shutdown + controller
/// reaction + scheduling onto the claim's node + mounting the volume + container start. After the
/// run the three claims must still be the ones the set started with (same UIDs).
/// </summary>
internal sealed class StatefulSetReplacementScenario : IScenario
{
    private const int Replicas = 3;
    private const int WarmUp = 2;
    private const string App = "sts-replace";
    private const string SetsPath = $"/apis/apps/v1/namespaces/{WorkloadApi.Namespace}/statefulsets";
    private const string ClaimsPath = $"/api/v1/namespaces/{WorkloadApi.Namespace}/persistentvolumeclaims";
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);

    public string Name => "statefulset-replacement";

    public string Description => $"StatefulSet of {Replicas} with a local-path claim each: pod deleted (grace 1 s) → same-named pod Running on its claim; p50/p99 over 10 (quick) or 30 deletions";

    public TimeSpan Budget(bool quick) => TimeSpan.FromSeconds(quick ? 90 : 180);

    public async Task RunAsync(BenchContext context, ScenarioReport report, CancellationToken ct)
    {
        var deletions = context.Quick ? 10 : 30;
        await using var node = await NodeServer.StartAsync(context, ct);
        using var api = context.Connect(node.Server);
        await node.WaitNodeReadyAsync(api, ct);
        await using var watch = await PodSetWatch.OpenAsync(node.Server.Kubeconfig, context.Http2, WorkloadApi.Namespace, ct);

        await api.CreateAsync(SetsPath, StatefulSet(), ct);
        await watch.WaitAsync(AllRunning, StepTimeout, $"{Replicas} ordinals Running", ct);
        var claims = await ClaimUidsAsync(api, ct);
        try
        {
            var warm = new LatencySamples("warm-up");
            await DeleteAndReplaceAsync(api, watch, 0, WarmUp, warm, null, ct);
            context.Log($"{Name}: warm-up done; {deletions} deletions");

            var running = new LatencySamples("DELETE sent → same-named pod Running");
            var created = new LatencySamples("DELETE sent → same-named pod created (ADDED)");
            var cpu = CpuMeter.Start(node.Pid);
            await DeleteAndReplaceAsync(api, watch, WarmUp, deletions, running, created, ct);
            report.Add(running, $"{deletions} deletions one after another (ordinals in turn), {WarmUp} warm-up before; includes the old pod's shutdown, which the controller must wait for; server CPU includes the controllers and the agent", cpu);
            report.Add(created, "the replacement's ADDED event (StatefulSet controller reaction once the old pod is gone)");
            var after = await ClaimUidsAsync(api, ct);
            if (!after.SequenceEqual(claims))
            {
                throw new InvalidOperationException($"the claims changed: before {string.Join(", ", claims)}, after {string.Join(", ", after)}");
            }
            report.Notes.Add($"every replacement ran on its original claim: {string.Join(", ", claims.Select(c => c.Split('=')[0]))} kept their UIDs");
        }
        finally
        {
            using var cleanup = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await WorkloadApi.DeleteAsync(api, $"{SetsPath}/{App}?propagationPolicy=Background", cleanup.Token);
                await watch.WaitAsync(pods => pods.All(p => p.App != App), TimeSpan.FromSeconds(20), $"pods of {App} gone", cleanup.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or TimeoutException or HttpRequestException or InvalidOperationException)
            {
                // The node server's disposal deletes whatever is left.
            }
        }
    }

    private static byte[] StatefulSet() =>
        Encoding.UTF8.GetBytes($$$$$"""
            {"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"{{{{{App}}}}}","namespace":"{{{{{WorkloadApi.Namespace}}}}}"},
            "spec":{"replicas":{{{{{Replicas}}}}},"serviceName":"{{{{{App}}}}}","selector":{"matchLabels":{"app":"{{{{{App}}}}}"}},
            "template":{"metadata":{"labels":{"app":"{{{{{App}}}}}"}},
            "spec":{"terminationGracePeriodSeconds":1,"containers":[{"name":"c","image":"busybox","command":["sleep","3600"],
            "volumeMounts":[{"name":"data","mountPath":"/data"}]}]}},
            "volumeClaimTemplates":[{"metadata":{"name":"data"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Mi"}}}}]}}
            """.ReplaceLineEndings(""));

    private static bool AllRunning(IReadOnlyCollection<PodState> pods) =>
        pods.Count(p => p.App == App && p.Running && !p.Terminating) == Replicas;

    /// <summary>"name=uid" of the set's claims, by name.</summary>
    private static async Task<List<string>> ClaimUidsAsync(Infrastructure.ApiClient api, CancellationToken ct)
    {
        using var doc = JsonDocument.Parse(await api.GetAsync($"{ClaimsPath}?labelSelector=app%3D{App}", ct));
        return doc.RootElement.GetProperty("items").EnumerateArray()
            .Select(i => $"{i.GetProperty("metadata").GetProperty("name").GetString()}={i.GetProperty("metadata").GetProperty("uid").GetString()}")
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private static async Task DeleteAndReplaceAsync(Infrastructure.ApiClient api, PodSetWatch watch, int first, int count,
        LatencySamples running, LatencySamples? created, CancellationToken ct)
    {
        for (var i = first; i < first + count; i++)
        {
            var victim = $"{App}-{i % Replicas}";
            // The same name comes back: "replaced" means it was gone first and is there again.
            var goneForRunning = false;
            var goneForAdded = false;
            var isRunning = watch.WaitAsync(pods =>
            {
                goneForRunning |= pods.All(p => p.Name != victim);
                return goneForRunning && pods.Any(p => p.Name == victim && p.Running && !p.Terminating);
            }, StepTimeout, $"{victim} Running again", ct);
            var isAdded = watch.WaitAsync(pods =>
            {
                goneForAdded |= pods.All(p => p.Name != victim);
                return goneForAdded && pods.Any(p => p.Name == victim);
            }, StepTimeout, $"{victim} created again", ct);
            var sent = Stopwatch.GetTimestamp();
            await WorkloadApi.DeleteAsync(api, $"/api/v1/namespaces/{WorkloadApi.Namespace}/pods/{victim}?gracePeriodSeconds=1", ct);
            running.Add(sent, await isRunning);
            created?.Add(sent, await isAdded);
            await watch.WaitAsync(AllRunning, StepTimeout, $"{Replicas} ordinals Running", ct);
        }
    }
}
