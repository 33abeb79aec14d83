using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Axolotl.Api.Core;
using Axolotl.Api.Serialization;

// What the pod write path asks of KubeJson, per object: decode the body (FromUtf8), encode it to a JsonObject (managed
// fields, patches), decode that node (FromNode) and encode the result (SerializeToUtf8, for the store and the response).
// First the cold cost, in a fresh process: CPU, wall time and methods JIT-compiled by the first pass over a pod, a
// pod with status, an Event and a Node. Then the steady cost: CPU µs per pass after WARMUP passes, median of ROUNDS.
//   dotnet run -c Release -- [ROUNDS] [PASSES] [WARMUP] [LABEL]
var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 7;
var passes = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20_000;
var warmup = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20_000;
var label = args.Length > 3 ? args[3] : "this tree";

var process = Process.GetCurrentProcess();
var jitBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
var cpuBefore = process.TotalProcessorTime;
var wall = Stopwatch.StartNew();
Objects.Pass();
wall.Stop();
process.Refresh();
var coldCpu = process.TotalProcessorTime - cpuBefore;
var coldJit = System.Runtime.JitInfo.GetCompiledMethodCount() - jitBefore;

for (var i = 0; i < warmup; i++)
{
    Objects.Pass();
}
var perPass = new List<double>();
for (var round = 0; round < rounds; round++)
{
    process.Refresh();
    var before = process.TotalProcessorTime;
    for (var i = 0; i < passes; i++)
    {
        Objects.Pass();
    }
    process.Refresh();
    perPass.Add((process.TotalProcessorTime - before).TotalMicroseconds / passes);
}
perPass.Sort();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"| {label} | {coldCpu.TotalMilliseconds:F0} ms | {wall.Elapsed.TotalMilliseconds:F0} ms | {coldJit} | {perPass[perPass.Count / 2]:F1} µs | {perPass[0]:F1}–{perPass[^1]:F1} |"));

internal static class Objects
{
    private const string Start = "2026-11-29T10:00:00Z";

    private static readonly byte[] PodBody = Encoding.UTF8.GetBytes("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p-00001","namespace":"bench","labels":{"app":"scale","tier":"web"}},
        "spec":{"restartPolicy":"Always","terminationGracePeriodSeconds":1,"containers":[{"name":"web","image":"nginx:1.25",
        "ports":[{"name":"http","containerPort":80,"protocol":"TCP"}],"env":[{"name":"MODE","value":"scale"}],
        "resources":{"requests":{"cpu":"5m","memory":"8Mi"},"limits":{"cpu":"100m","memory":"64Mi"}},
        "readinessProbe":{"httpGet":{"path":"/","port":80},"periodSeconds":10}}]}}
        """);

    private static readonly byte[] PodWithStatus = Encoding.UTF8.GetBytes($$$$$"""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p-00001","namespace":"bench","uid":"6f1c","resourceVersion":"12",
        "creationTimestamp":"{{{{{Start}}}}}","labels":{"app":"scale","tier":"web"}},
        "spec":{"restartPolicy":"Always","terminationGracePeriodSeconds":1,"nodeName":"bench-node-0","containers":[{"name":"web",
        "image":"nginx:1.25","ports":[{"name":"http","containerPort":80,"protocol":"TCP"}],"env":[{"name":"MODE","value":"scale"}],
        "resources":{"requests":{"cpu":"5m","memory":"8Mi"},"limits":{"cpu":"100m","memory":"64Mi"}},
        "readinessProbe":{"httpGet":{"path":"/","port":80},"periodSeconds":10}}]},
        "status":{"phase":"Pending","hostIP":"10.0.0.1","hostIPs":[{"ip":"10.0.0.1"}],"startTime":"{{{{{Start}}}}}","qosClass":"Burstable",
        "conditions":[{"type":"Initialized","status":"True","lastTransitionTime":"{{{{{Start}}}}}"},
        {"type":"Ready","status":"False","lastTransitionTime":"{{{{{Start}}}}}","reason":"ContainersNotReady","message":"containers with unready status: [web]"},
        {"type":"PodScheduled","status":"True","lastTransitionTime":"{{{{{Start}}}}}"}],
        "containerStatuses":[{"name":"web","image":"nginx:1.25","imageID":"","ready":false,"restartCount":0,"started":false,
        "state":{"waiting":{"reason":"ContainerCreating"}}}]}}
        """);

    private static readonly byte[] EventBody = Encoding.UTF8.GetBytes($$$$$"""
        {"apiVersion":"v1","kind":"Event","metadata":{"name":"p-00001.started1","namespace":"bench"},
        "involvedObject":{"kind":"Pod","namespace":"bench","name":"p-00001","uid":"6f1c","apiVersion":"v1","fieldPath":"spec.containers{web}"},
        "reason":"Started","message":"Started container web","source":{"component":"kubelet","host":"bench-node-0"},
        "firstTimestamp":"{{{{{Start}}}}}","lastTimestamp":"{{{{{Start}}}}}","count":1,"type":"Normal","eventTime":null,
        "reportingComponent":"kubelet","reportingInstance":"bench-node-0"}
        """);

    private static readonly byte[] NodeBody = Encoding.UTF8.GetBytes("""
        {"apiVersion":"v1","kind":"Node","metadata":{"name":"bench-node-0","labels":{"kubernetes.io/hostname":"bench-node-0"}},
        "status":{"capacity":{"cpu":"64","memory":"256Gi","pods":"1000"},"allocatable":{"cpu":"64","memory":"256Gi","pods":"1000"}}}
        """);

    public static int Pass() =>
        RoundTrip(PodBody, typeof(Pod)) + RoundTrip(PodWithStatus, typeof(Pod)) + RoundTrip(EventBody, typeof(Event)) + RoundTrip(NodeBody, typeof(Node));

    private static int RoundTrip(byte[] body, Type type)
    {
        var decoded = KubeJson.FromUtf8(body, type)!;
        JsonObject node = KubeJson.ToNode(decoded, type);
        var again = KubeJson.FromNode(node, type)!;
        return System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(again, type, KubeJson.Options).Length;
    }
}
