using System.Diagnostics;
using System.Globalization;
using Axolotl.Bench.SchedulerShapes;
using Axolotl.Scheduler;

// Scheduling throughput by pod shape, in process (issue 34's target: with affinity and spread constraints at least
// 0.5x plain pods). Each shape gets a fresh cluster (ShapeRun) and ROUNDS rounds of PODS pods after one warm-up
// round; the median round's process CPU per cycle gives pods/s, compared with plain pods of the same run. With
// --profile, one more round per shape with every plugin timed says where a cycle's time goes.
//   dotnet run -c Release -- [NODES] [ZONES] [PER] [PODS] [ROUNDS] [GROUPS] [--profile] [--shapes a,b,...]
var positional = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal) && !a.Contains(',', StringComparison.Ordinal)).ToList();
var nodeCount = Arg(0, 1000);
var zones = Arg(1, 10);
var perNode = Arg(2, 50);
var podsPerRound = Arg(3, 1000);
var rounds = Arg(4, 3);
var groups = Arg(5, 100);
var profile = args.Contains("--profile");
var shapesAt = Array.IndexOf(args, "--shapes");
var shapes = shapesAt >= 0 ? args[shapesAt + 1].Split(',') : PodShapes.All;

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{nodeCount} nodes in {zones} zones, {perNode} plain pods and 1 pod of the shape on each, {groups} groups; {rounds} rounds of {podsPerRound} pods after 1 warm-up; load average {LoadAverage()}"));
Console.WriteLine();
Console.WriteLine("| shape | pods/s (CPU) | CPU µs/cycle (median, min–max) | kB/cycle | ratio to plain | ≥ 0.5× |");
Console.WriteLine("|---|---:|---:|---:|---:|---|");
double? plainMicros = null;
var profiles = new List<(string Shape, IReadOnlyDictionary<string, long> Ticks, double Total)>();
foreach (var shape in shapes)
{
    var run = new ShapeRun(nodeCount, zones, perNode, groups);
    var costs = run.Run(shape, SchedulingAlgorithm.CreateDefault(), podsPerRound, rounds);
    var cpu = costs.Select(c => c.CpuMicros).Order().ToList();
    var median = cpu[cpu.Count / 2];
    plainMicros ??= shape == PodShapes.Plain ? median : null;
    var ratio = plainMicros is { } plain ? plain / median : double.NaN;
    var verdict = double.IsNaN(ratio) ? "–" : ratio >= 0.5 ? "met" : "**missed**";
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {shape} | {1e6 / median:F0} | {median:F0} ({cpu[0]:F0}–{cpu[^1]:F0}) | {costs.Select(c => c.Bytes).Order().ElementAt(costs.Count / 2) / 1024:F1} | {ratio:F2} | {verdict} |"));
    if (profile)
    {
        var clock = new PluginClock();
        var timed = new ShapeRun(nodeCount, zones, perNode, groups).Run(shape, clock.Wrap(SchedulingAlgorithm.CreateDefault()), podsPerRound, 1, clock);
        profiles.Add((shape, new Dictionary<string, long>(clock.Ticks), timed[0].ScheduleMicros));
    }
}
foreach (var (shape, ticks, total) in profiles)
{
    Console.WriteLine();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {shape}: where a cycle goes (wall µs, timed round; algorithm {total:F0} µs) | µs/cycle | share |"));
    Console.WriteLine("|---|---:|---:|");
    foreach (var (name, value) in ticks.OrderByDescending(t => t.Value).Take(8))
    {
        var micros = Stopwatch.GetElapsedTime(0, value).TotalMicroseconds / podsPerRound;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {micros:F0} | {100 * micros / total:F0} % |"));
    }
}

int Arg(int index, int fallback) => positional.Count > index ? int.Parse(positional[index], CultureInfo.InvariantCulture) : fallback;

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
