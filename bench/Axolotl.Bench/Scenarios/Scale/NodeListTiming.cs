using System.Globalization;
using System.Text.Json;
using Axolotl.Bench.Infrastructure;
using Axolotl.Bench.Measurement;
using Axolotl.Bench.Reporting;

namespace Axolotl.Bench.Scenarios.Scale;

/// <summary>
/// What one node's relist costs once the cluster is full: the agent's list of its own pods (`fieldSelector=spec.nodeName=NODE`,
/// resourceVersion "" as an informer relists after a 410), for nodes picked across the cluster, one after another. Wall time
/// per list and the server's CPU per list: kube-apiserver answers it from its watch cache's index; a server that reads every
/// pod for it pays for the whole cluster each time.
/// </summary>
internal static class NodeListTiming
{
    public static async Task MeasureAsync(BenchContext context, ServerProcess server, ScenarioReport report, int nodes, int total, CancellationToken ct)
    {
        var lists = context.Quick ? 20 : 50;
        using var api = context.Connect(server);
        var wall = new LatencySamples($"one node's list of its pods (fieldSelector spec.nodeName), {total:N0} pods in the cluster");
        var cpu = CpuMeter.Start(server.Pid);
        var wrong = 0;
        var items = 0;
        for (var i = 0; i < lists; i++)
        {
            var node = FakeNodesAgent.Prefix + (i * 7919 % nodes).ToString(CultureInfo.InvariantCulture);
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var body = await api.GetAsync($"/api/v1/pods?fieldSelector=spec.nodeName%3D{node}", ct);
            wall.Add(started, System.Diagnostics.Stopwatch.GetTimestamp());
            using var doc = JsonDocument.Parse(body);
            var pods = doc.RootElement.GetProperty("items");
            items += pods.GetArrayLength();
            // Wrong: empty, another node's pod, or not the store's answer at the same revision (an Exact list reads the store).
            var rv = doc.RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString();
            using var exact = JsonDocument.Parse(await api.GetAsync($"/api/v1/pods?fieldSelector=spec.nodeName%3D{node}&resourceVersion={rv}&resourceVersionMatch=Exact", ct));
            wrong += pods.GetArrayLength() > 0 && pods.EnumerateArray().All(p => p.GetProperty("spec").GetProperty("nodeName").GetString() == node)
                && Names(pods).SequenceEqual(Names(exact.RootElement.GetProperty("items"))) ? 0 : 1;
        }
        report.Add(wall, $"{lists} lists, nodes across the cluster, one after another; {items / (double)lists:F1} pods a list", cpu);
        report.Add("node lists that were empty, held another node's pod or differed from the store's list at their revision", wrong, "lists");
    }

    private static IEnumerable<string> Names(JsonElement items) =>
        items.EnumerateArray().Select(p => p.GetProperty("metadata").GetProperty("namespace").GetString() + "/" + p.GetProperty("metadata").GetProperty("name").GetString());
}
