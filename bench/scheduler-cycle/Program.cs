using System.Diagnostics;
using System.Globalization;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Resources;
using Axolotl.Scheduler;
using Axolotl.Scheduler.Cache;

// The scheduler's cycle at the 100,000-pod run's size, in process: NODES ready nodes with PER pods each already
// counted, then PODS pending pods scheduled one after another as PodScheduler does (snapshot of the cache, the
// default profile's filters and scores, the chosen node counted for the pod), one thread, no API server. Prints the
// CPU µs and the bytes allocated per cycle, and how the wall time splits between the snapshot and the algorithm;
// the median of ROUNDS rounds after one warm-up round.
//   dotnet run -c Release -- [NODES] [PER] [PODS] [ROUNDS] [LABEL]
var nodeCount = Arg(0, 1000);
var perNode = Arg(1, 50);
var podsPerRound = Arg(2, 2000);
var rounds = Arg(3, 5);
var label = args.Length > 4 ? args[4] : "this tree";

var nodes = Enumerable.Range(0, nodeCount).Select(i => Node(string.Create(CultureInfo.InvariantCulture, $"scale-{i:D4}"))).ToList();
var byName = nodes.ToDictionary(n => n.Metadata.Name!, StringComparer.Ordinal);
var cache = new NodeInfoCache();
var serial = 0;
foreach (var node in nodes)
{
    for (var i = 0; i < perNode; i++)
    {
        var pod = Pod(serial++);
        pod.Spec!.NodeName = node.Metadata.Name;
        cache.Count("scale/" + pod.Metadata.Name, pod);
    }
}
var algorithm = SchedulingAlgorithm.CreateDefault();
var context = new CycleContext([], [], DateTimeOffset.UnixEpoch);
var results = new List<(double Cpu, double Bytes, double Snapshot, double Schedule)>();
for (var round = 0; round <= rounds; round++)
{
    var process = Process.GetCurrentProcess();
    var cpuBefore = process.TotalProcessorTime;
    var bytesBefore = GC.GetAllocatedBytesForCurrentThread();
    long snapshotTicks = 0, scheduleTicks = 0;
    for (var i = 0; i < podsPerRound; i++)
    {
        var pod = Pod(serial++);
        var start = Stopwatch.GetTimestamp();
        // As PodScheduler.Snapshot with the node events followed: the lister is listed (a copy) only when nodes came or went.
        var snapshot = cache.Snapshot(() => nodes.ToList(), name => byName.GetValueOrDefault(name));
        var chosen = Stopwatch.GetTimestamp();
        var result = algorithm.Schedule(pod, snapshot, context);
        var end = Stopwatch.GetTimestamp();
        snapshotTicks += chosen - start;
        scheduleTicks += end - chosen;
        if (result.NodeName is null)
        {
            throw new InvalidOperationException("no node fits: " + result.FailureMessage);
        }
        cache.Count("scale/" + pod.Metadata.Name, pod, result.NodeName);
    }
    process.Refresh();
    if (round == 0)
    {
        continue;
    }
    results.Add(((process.TotalProcessorTime - cpuBefore).TotalMicroseconds / podsPerRound,
        (double)(GC.GetAllocatedBytesForCurrentThread() - bytesBefore) / podsPerRound,
        Stopwatch.GetElapsedTime(0, snapshotTicks).TotalMicroseconds / podsPerRound,
        Stopwatch.GetElapsedTime(0, scheduleTicks).TotalMicroseconds / podsPerRound));
}
Console.WriteLine($"| {label}: per cycle, {nodeCount} nodes, {perNode}+ pods each ({rounds} rounds of {podsPerRound}, 1 warm-up) | median | min | max |");
Console.WriteLine("|---|---:|---:|---:|");
Row("CPU µs (process)", results.Select(r => r.Cpu));
Row("allocated kB", results.Select(r => r.Bytes / 1024));
Row("snapshot µs (wall)", results.Select(r => r.Snapshot));
Row("filters and scores µs (wall)", results.Select(r => r.Schedule));

int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;

static void Row(string name, IEnumerable<double> values)
{
    var list = values.Order().ToList();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {list[list.Count / 2]:F1} | {list[0]:F1} | {list[^1]:F1} |"));
}

// A fake node as `agent --runtime fake` registers it: ready, room for many pods, no images.
static Node Node(string name) => new()
{
    Metadata = new ObjectMeta { Name = name, Uid = "uid-" + name, Labels = new() { ["kubernetes.io/hostname"] = name, ["kubernetes.io/os"] = "linux" } },
    Spec = new NodeSpec(),
    Status = new NodeStatus
    {
        Allocatable = new() { ["cpu"] = Quantity.Parse("64"), ["memory"] = Quantity.Parse("256Gi"), ["pods"] = Quantity.Parse("1000") },
        Conditions = [new NodeCondition { Type = "Ready", Status = "True" }],
    },
};

// The scale scenario's pod.
static Pod Pod(int serial) => new()
{
    Metadata = new ObjectMeta
    {
        Name = string.Create(CultureInfo.InvariantCulture, $"p{serial:D6}"),
        Namespace = "scale",
        Uid = string.Create(CultureInfo.InvariantCulture, $"00000000-0000-0000-0000-{serial:D12}"),
        Labels = new() { ["app"] = "scale", ["tier"] = "web" },
    },
    Spec = new PodSpec
    {
        Containers =
        [
            new Container
            {
                Name = "web",
                Image = "nginx:1.25",
                Ports = [new ContainerPort { Name = "http", ContainerPortNumber = 80, Protocol = "TCP" }],
                Resources = new ResourceRequirements
                {
                    Requests = new() { ["cpu"] = Quantity.Parse("5m"), ["memory"] = Quantity.Parse("8Mi") },
                    Limits = new() { ["cpu"] = Quantity.Parse("100m"), ["memory"] = Quantity.Parse("64Mi") },
                },
            },
        ],
    },
};
