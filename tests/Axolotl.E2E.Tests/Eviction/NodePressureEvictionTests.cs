using System.Text.RegularExpressions;
using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Eviction;

/// <summary>
/// Node protection as the kubelet does it, through kubectl: a BestEffort memory hog next to a
/// Guaranteed pod on a node with 600Mi for pods. The hog is evicted (not OOM-killed) with the
/// kubelet's message, event and DisruptionTarget condition; the Guaranteed pod runs on; the node
/// reports MemoryPressure and carries the memory-pressure taint until the pressure is gone; and the
/// Deployment's replacement pod runs once it is.
/// </summary>
public sealed partial class NodePressureEvictionTests(NodePressureFixture fx) : IClassFixture<NodePressureFixture>
{
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(120);

    [GeneratedRegex(@"^The node was low on resource: memory\. Threshold quantity: 100Mi, available: \d+Ki\. Container hog was using \d+Ki, request is 0, has larger consumption of memory\. $")]
    private static partial Regex EvictedMessage();

    private Task<string> Get(params string[] args) => fx.Kubectl.OkAsync(["get", .. args]);

    [Fact]
    public async Task Allocatable_is_capacity_minus_reserved_minus_the_hard_threshold_and_bounds_the_pods_cgroup()
    {
        Assert.Equal("500Mi", await Get("node", fx.Server.NodeName, "-o", "jsonpath={.status.allocatable.memory}"));
        var limit = File.ReadAllText($"/sys/fs/cgroup/memory/axolotl-{fx.Server.NodeName}/memory.limit_in_bytes").Trim();
        Assert.Equal((NodePressureFixture.PodsMebibytes << 20).ToString(System.Globalization.CultureInfo.InvariantCulture), limit);
    }

    [Fact]
    public async Task A_BestEffort_hog_is_evicted_before_the_OOM_killer_while_a_Guaranteed_pod_runs_on_and_the_Deployment_comes_back()
    {
        var ns = await fx.NewNamespaceAsync("pressure");
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: steady, namespace: {{ns}}}
            spec:
              containers:
              - name: steady
                image: axolotl/memory-hog
                args: ["--step-mib", "10", "--interval", "1s", "--max-mib", "20"]
                resources:
                  requests: {memory: 64Mi, cpu: 100m}
                  limits: {memory: 64Mi, cpu: 100m}
            """, "apply", "-f", "-");
        await Eventually.UntilAsync(() => Get("pod", "steady", "-n", ns, "-o", "jsonpath={.status.phase}"), p => p == "Running", "steady running", Slow);
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: hog, namespace: {{ns}}}
            spec:
              replicas: 1
              selector:
                matchLabels: {app: hog}
              template:
                metadata:
                  labels: {app: hog}
                spec:
                  containers:
                  - name: hog
                    image: axolotl/memory-hog
                    args: ["--step-mib", "20", "--interval", "500ms"]
            """, "apply", "-f", "-");

        try
        {
            // While it grows: every process of the BestEffort container has the kubelet's oom_score_adj 1000.
            // {.items[*]}: empty (not an error) until the ReplicaSet has made the pod.
            var uid = await Eventually.UntilAsync(() => Get("pods", "-n", ns, "-l", "app=hog", "-o", "jsonpath={.items[*].metadata.uid}"), u => u.Length > 0, "the hog's uid", Slow);
            var procs = $"/sys/fs/cgroup/memory/axolotl-{fx.Server.NodeName}/{uid}/hog/cgroup.procs";
            await Eventually.UntilAsync(() => Task.FromResult(OomScores(procs)), s => s.Length > 0 && s.All(score => score == "1000"), "oom_score_adj 1000 on the hog's processes", Slow);

            var events = await Eventually.UntilAsync(
                () => Get("events", "-n", ns, "--field-selector", "reason=Evicted", "-o", "jsonpath={range .items[*]}{.type}|{.involvedObject.name}|{.message}{\"\\n\"}{end}"),
                e => e.Split('\n').Any(l => l.StartsWith("Warning|hog-", StringComparison.Ordinal) && l.Contains("low on resource", StringComparison.Ordinal)),
                "an Evicted event for the hog", Slow);
            var evicted = events.Split('\n').First(l => l.StartsWith("Warning|hog-", StringComparison.Ordinal) && l.Contains("low on resource", StringComparison.Ordinal)).Split('|');
            var (pod, message) = (evicted[1], evicted[2]);
            Assert.Matches(EvictedMessage(), message);

            // The node reports the pressure and is tainted for as long as it lasts.
            await Eventually.UntilAsync(() => Get("node", fx.Server.NodeName, "-o", "jsonpath={.status.conditions[?(@.type==\"MemoryPressure\")].reason}|{.spec.taints[*].key}"),
                s => s.StartsWith("KubeletHasInsufficientMemory|", StringComparison.Ordinal) && s.Contains("node.kubernetes.io/memory-pressure", StringComparison.Ordinal),
                "MemoryPressure and the memory-pressure taint", Slow);
            Assert.Contains("Node " + fx.Server.NodeName + " status is now: NodeHasInsufficientMemory",
                await Get("events", "--field-selector", "involvedObject.kind=Node,reason=NodeHasInsufficientMemory", "-o", "jsonpath={.items[*].message}"));

            // The evicted pod: Failed, reason Evicted, the same message, DisruptionTarget; its container was stopped, not OOM-killed.
            var status = await Eventually.UntilAsync(
                () => Get("pod", pod, "-n", ns, "-o", "jsonpath={.status.phase}|{.status.reason}|{.status.message}|{.status.conditions[?(@.type==\"DisruptionTarget\")].reason}|{.status.containerStatuses[0].state.terminated.reason}"),
                s => s.StartsWith("Failed|", StringComparison.Ordinal) && !s.EndsWith('|'), "the evicted pod's final status", Slow);
            var fields = status.Split('|');
            Assert.Equal(("Failed", "Evicted", message, "TerminationByKubelet"), (fields[0], fields[1], fields[2], fields[3]));
            Assert.NotEqual("OOMKilled", fields[4]);

            // Memory came back: the pressure clears, the taint goes, and the Deployment's next pod runs.
            await Eventually.UntilAsync(() => Get("node", fx.Server.NodeName, "-o", "jsonpath={.status.conditions[?(@.type==\"MemoryPressure\")].status}|{.spec.taints[*].key}"),
                s => s.StartsWith("False|", StringComparison.Ordinal) && !s.Contains("memory-pressure", StringComparison.Ordinal), "MemoryPressure False and no taint", Slow);
            await Eventually.UntilAsync(() => Get("pods", "-n", ns, "-l", "app=hog", "-o", "jsonpath={range .items[*]}{.metadata.name}={.status.phase} {end}"),
                s => s.Split(' ').Any(p => p.EndsWith("=Running", StringComparison.Ordinal) && !p.StartsWith(pod + "=", StringComparison.Ordinal)),
                "a new hog pod running", Slow);

            Assert.Equal("Running|0", await Get("pod", "steady", "-n", ns, "-o", "jsonpath={.status.phase}|{.status.containerStatuses[0].restartCount}"));
        }
        finally
        {
            // The replacement grows again: stop it before it is the next test's pressure.
            await fx.Kubectl.RunAsync("delete", "namespace", ns, "--wait=false");
        }
    }

    /// <summary>The oom_score_adj of every process in a cgroup (empty while it has none).</summary>
    private static string[] OomScores(string procs)
    {
        try
        {
            return File.Exists(procs) ? [.. File.ReadAllLines(procs).Select(pid => File.ReadAllText($"/proc/{pid}/oom_score_adj").Trim())] : [];
        }
        catch (IOException)
        {
            // A process ended between the two reads: look again.
            return [];
        }
    }

    [Fact]
    public async Task A_bad_eviction_flag_stops_the_server_with_the_kubelets_reason()
    {
        var binary = await AxolotlServer.EnsureBuiltAsync();
        var dataDir = Directory.CreateTempSubdirectory("axolotl-evict-flag-").FullName;
        try
        {
            var result = await ProcessRunner.RunAsync(binary, ["server", "--data-dir", dataDir, "--port", "1", "--eviction-hard", "memory.free<1Gi"], timeout: TimeSpan.FromSeconds(30));
            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("invalid --eviction-hard \"memory.free<1Gi\": unsupported eviction signal memory.free", result.ToString());
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }
}
