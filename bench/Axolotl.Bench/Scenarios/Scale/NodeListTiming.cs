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
        var answers = new List<(string Node, string ResourceVersion, string[] Names, bool OnlyItsOwn)>(lists);
        // The lists first, under the CPU meter; the checks after, so the server CPU per list is the list's alone (on etcd an
        // Exact list reads every pod in the cluster from the store, which is what the list itself must not do).
        var cpu = CpuMeter.Start(server.Pid);
        for (var i = 0; i < lists; i++)
        {
            var node = FakeNodesAgent.Prefix + (i * 7919 % nodes).ToString(CultureInfo.InvariantCulture);
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var body = await api.GetAsync($"/api/v1/pods?fieldSelector=spec.nodeName%3D{node}", ct);
            wall.Add(started, System.Diagnostics.Stopwatch.GetTimestamp());
            using var doc = JsonDocument.Parse(body);
            var pods = doc.RootElement.GetProperty("items");
            var rv = doc.RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString() ?? "";
            answers.Add((node, rv, Names(pods).ToArray(), pods.EnumerateArray().All(p => p.GetProperty("spec").GetProperty("nodeName").GetString() == node)));
        }
        report.Add(wall, $"{lists} lists, nodes across the cluster, one after another; {answers.Average(a => a.Names.Length):F1} pods a list", cpu);

        // Wrong: empty, another node's pod, or not the store's answer at the same revision (an Exact list reads the store).
        var wrong = 0;
        foreach (var answer in answers)
        {
            using var exact = JsonDocument.Parse(await api.GetAsync(
                $"/api/v1/pods?fieldSelector=spec.nodeName%3D{answer.Node}&resourceVersion={answer.ResourceVersion}&resourceVersionMatch=Exact", ct));
            wrong += answer.Names.Length > 0 && answer.OnlyItsOwn && answer.Names.SequenceEqual(Names(exact.RootElement.GetProperty("items"))) ? 0 : 1;
        }
        report.Add("node lists that were empty, held another node's pod or differed from the store's list at their revision", wrong, "lists");
    }

    private static IEnumerable<string> Names(JsonElement items) =>
        items.EnumerateArray().Select(p => p.GetProperty("metadata").GetProperty("namespace").GetString() + "/" + p.GetProperty("metadata").GetProperty("name").GetString());
}
