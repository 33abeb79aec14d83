using System.Diagnostics;
using System.Globalization;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Scheduler;
using Axolotl.Scheduler.Cache;

namespace Axolotl.Bench.SchedulerShapes;

/// <summary>What one round of one shape cost per cycle: process CPU, bytes allocated, wall time of the algorithm.</summary>
public sealed record RoundCost(double CpuMicros, double Bytes, double ScheduleMicros);

/// <summary>
/// One shape on a fresh cluster: <c>nodes</c> ready nodes in <c>zones</c> zones, <c>perNode</c> plain pods on each
/// (matched by no constraint), one pod of the shape on each node (groups balanced over zones and nodes, so the
/// constraints count them), then rounds of pending pods scheduled one after another as PodScheduler does, each counted
/// on its node for the next. The hard constraints are checked on the final placement, so a fast but wrong scheduler shows.
/// </summary>
public sealed class ShapeRun(int nodeCount, int zones, int perNode, int groups)
{
    private readonly Dictionary<string, (string Node, Pod Pod)> _placed = new(StringComparer.Ordinal);
    private List<Node> _nodes = [];
    private NodeInfoCache _cache = new();
    private int _serial;

    public List<RoundCost> Run(string shape, SchedulingAlgorithm algorithm, int podsPerRound, int rounds, PluginClock? clock = null)
    {
        Build(shape);
        var byName = _nodes.ToDictionary(n => n.Metadata.Name!, StringComparer.Ordinal);
        var context = new CycleContext([], [], DateTimeOffset.UnixEpoch);
        var results = new List<RoundCost>();
        for (var round = 0; round <= rounds; round++)
        {
            clock?.Clear();
            var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var bytesBefore = GC.GetAllocatedBytesForCurrentThread();
            long scheduleTicks = 0;
            for (var i = 0; i < podsPerRound; i++)
            {
                var serial = _serial++;
                var pod = PodShapes.Make(shape, serial, serial % groups);
                var snapshot = _cache.Snapshot(() => _nodes.ToList(), name => byName.GetValueOrDefault(name));
                var start = Stopwatch.GetTimestamp();
                var result = algorithm.Schedule(pod, snapshot, context);
                scheduleTicks += Stopwatch.GetTimestamp() - start;
                if (result.NodeName is null)
                {
                    throw new InvalidOperationException($"{shape}: no node fits {pod.Metadata.Name}: {result.FailureMessage}");
                }
                Place(pod, result.NodeName);
            }
            process.Refresh();
            if (round > 0)
            {
                results.Add(new RoundCost((process.TotalProcessorTime - cpuBefore).TotalMicroseconds / podsPerRound,
                    (double)(GC.GetAllocatedBytesForCurrentThread() - bytesBefore) / podsPerRound,
                    Stopwatch.GetElapsedTime(0, scheduleTicks).TotalMicroseconds / podsPerRound));
            }
        }
        CheckHardConstraints(shape);
        return results;
    }

    private void Build(string shape)
    {
        _nodes = [.. Enumerable.Range(0, nodeCount).Select(i => PodShapes.Node(
            string.Create(CultureInfo.InvariantCulture, $"scale-{i:D4}"), string.Create(CultureInfo.InvariantCulture, $"zone-{i % zones}")))];
        _cache = new NodeInfoCache();
        _placed.Clear();
        _serial = 0;
        foreach (var node in _nodes)
        {
            for (var i = 0; i < perNode; i++)
            {
                Place(PodShapes.Base(_serial++, group: null), node.Metadata.Name!);
            }
        }
        // Node i takes a pod of group (i / zones) % groups: a group's first pods go to consecutive nodes, one per zone.
        for (var i = 0; i < nodeCount; i++)
        {
            Place(PodShapes.Make(shape, _serial++, i / zones % groups), _nodes[i].Metadata.Name!);
        }
    }

    private void Place(Pod pod, string node)
    {
        var key = "scale/" + pod.Metadata.Name;
        _cache.Count(key, pod, node);
        _placed[key] = (node, pod);
    }

    /// <summary>Required anti-affinity: no two pods of a group on a node. DoNotSchedule zone spread: the pods scheduled kept every group within maxSkew 1.</summary>
    private void CheckHardConstraints(string shape)
    {
        var zoneOf = _nodes.ToDictionary(n => n.Metadata.Name!, n => n.Metadata.Labels![WellKnown.LabelTopologyZone], StringComparer.Ordinal);
        var grouped = _placed.Values.Where(p => p.Pod.Metadata.Labels!.ContainsKey("group")).GroupBy(p => p.Pod.Metadata.Labels!["group"]);
        foreach (var group in grouped)
        {
            if (group.Key.StartsWith(PodShapes.AntiAffinity, StringComparison.Ordinal) && group.Select(p => p.Node).Distinct().Count() != group.Count())
            {
                throw new InvalidOperationException($"{shape}: two pods of {group.Key} share a node");
            }
            if (group.Key.StartsWith(PodShapes.SpreadZone, StringComparison.Ordinal))
            {
                var perZone = Enumerable.Range(0, zones).Select(z => group.Count(p => zoneOf[p.Node] == string.Create(CultureInfo.InvariantCulture, $"zone-{z}"))).ToList();
                if (perZone.Max() - perZone.Min() > 1)
                {
                    throw new InvalidOperationException($"{shape}: {group.Key} spread over zones as {string.Join(',', perZone)}");
                }
            }
        }
    }
}
