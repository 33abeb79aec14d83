using Axolotl.Bench.Infrastructure;
using Axolotl.Bench.Measurement;
using Axolotl.Bench.Reporting;

namespace Axolotl.Bench.Scenarios.CustomResources;

/// <summary>The server CPU half of the comparison: what one create and one list of each kind cost the server.</summary>
internal static class ServerCpuBlocks
{
    /// <summary>
    /// Server CPU per create and per list, which a busy machine inflates less than latency: blocks of one kind at a
    /// time in another namespace, in the order A B B A so a drift in the background work weighs on both alike.
    /// </summary>
    public static async Task RunAsync(int pid, ApiClient api, ScenarioReport report, ComparedKind[] kinds, string ns, int objects, int listRuns, CancellationToken ct)
    {
        var createCpu = kinds.ToDictionary(k => k, _ => 0.0);
        var listCpu = kinds.ToDictionary(k => k, _ => 0.0);
        var half = objects / 2;
        ComparedKind[] order = [kinds[0], kinds[1], kinds[1], kinds[0]];
        for (var block = 0; block < order.Length; block++)
        {
            var kind = order[block];
            var first = block < 2 ? 0 : half;
            var bodies = Enumerable.Range(first, half).Select(i => kind.Body(ns, WidgetManifests.Name(i), 0)).ToList();
            var meter = CpuMeter.Start(pid);
            foreach (var body in bodies)
            {
                await api.CreateAsync(kind.CollectionPath(ns), body, ct);
            }
            createCpu[kind] += meter.ElapsedMilliseconds;
        }
        for (var block = 0; block < order.Length; block++)
        {
            var kind = order[block];
            var meter = CpuMeter.Start(pid);
            for (var run = 0; run < listRuns / 2; run++)
            {
                await api.GetAsync(kind.CollectionPath(ns), ct);
            }
            listCpu[kind] += meter.ElapsedMilliseconds;
        }
        foreach (var kind in kinds)
        {
            report.Add($"server CPU per create, {kind.Label}", createCpu[kind] / (2 * half), "ms", "blocks of one kind, A B B A");
            report.Add($"server CPU per list of {2 * half:N0}, {kind.Label}", listCpu[kind] / (2 * (listRuns / 2)), "ms");
        }
        report.Add("server CPU per create, custom resource ÷ ConfigMap", createCpu[kinds[0]] / createCpu[kinds[1]], "×");
        report.Add("server CPU per list, custom resource ÷ ConfigMap", listCpu[kinds[0]] / listCpu[kinds[1]], "×");
    }
}
