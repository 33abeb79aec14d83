using System.Diagnostics;
using Axolotl.Bench.Measurement;
using Axolotl.Bench.Reporting;

namespace Axolotl.Bench.Scenarios;

/// <summary>
/// Pod created → Running: pods (busybox `sleep 3600`) created one after another, each waited for
/// until a watch event shows it Running with its container running before the next is sent. Timed
/// from before the POST is sent and from its 201 response to that event's arrival; the pods stay,
/// so the last ones start on a node already running the others.
/// </summary>
internal sealed class PodStartupScenario : IScenario
{
    private const int WarmUp = 3;
    private static readonly TimeSpan PerPodTimeout = TimeSpan.FromSeconds(30);

    public string Name => "pod-startup";

    public string Description => "pod created → Running (container running, seen on a watch), sequential, 30 (quick) or 100 pods";

    public TimeSpan Budget(bool quick) => TimeSpan.FromSeconds(quick ? 50 : 120);

    public async Task RunAsync(BenchContext context, ScenarioReport report, CancellationToken ct)
    {
        var pods = context.Quick ? 30 : 100;
        await using var node = await NodeServer.StartAsync(context, ct);
        using var api = context.Connect(node.Server);
        await node.WaitNodeReadyAsync(api, ct);
        await using var watch = await Infrastructure.WatchStream.OpenRunningAsync(node.Server.Kubeconfig, context.Http2, AgentPods.Namespace, ct);

        var warm = new LatencySamples("warm-up");
        await CreateSequentiallyAsync(api, watch, "startup-warm", WarmUp, warm, null, ct);
        context.Log($"{Name}: warm-up done; {pods} pods");

        var fromSend = new LatencySamples("POST sent → Running");
        var fromAck = new LatencySamples("POST acknowledged → Running");
        var cpu = CpuMeter.Start(node.Pid);
        await CreateSequentiallyAsync(api, watch, "startup", pods, fromSend, fromAck, ct);
        var summary = report.Add(fromSend, $"{pods} pods one after another, {WarmUp} warm-up pods before; server CPU includes the agent", cpu);
        report.Add(fromAck, "from the 201 response");
        report.Target("pod created → Running p50", summary.P50, 200, "ms");
    }

    private static async Task CreateSequentiallyAsync(Infrastructure.ApiClient api, Infrastructure.WatchStream watch, string prefix, int count,
        LatencySamples fromSend, LatencySamples? fromAck, CancellationToken ct)
    {
        for (var i = 0; i < count; i++)
        {
            var name = $"{prefix}-{i:D4}";
            var body = AgentPods.Sleeper(name);
            var sent = Stopwatch.GetTimestamp();
            await api.CreateAsync(AgentPods.PodsPath, body, ct);
            var acknowledged = Stopwatch.GetTimestamp();
            var running = await watch.MatchedAsync(name).WaitAsync(PerPodTimeout, ct);
            fromSend.Add(sent, running);
            fromAck?.Add(acknowledged, running);
        }
    }
}
