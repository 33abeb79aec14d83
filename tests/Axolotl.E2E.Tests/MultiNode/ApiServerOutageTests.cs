using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Axolotl.E2E.Tests.Harness;
using Xunit.Abstractions;

namespace Axolotl.E2E.Tests.MultiNode;

/// <summary>
/// Healing goes on when the API is gone (issue 15, item 7): the API server is killed for 30 s under a
/// joined agent whose pods crash and fail their liveness probe. The agent restarts them on its own
/// meanwhile (seen in the checkpoints it keeps in its data dir, which need no API), and once the
/// server is back the node renews its Lease and reports the restarts within seconds.
/// </summary>
public sealed class ApiServerOutageTests(ApiServerOutageFixture fx, ITestOutputHelper output) : IClassFixture<ApiServerOutageFixture>
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Containers_are_restarted_on_schedule_while_the_API_server_is_down_and_kubectl_shows_the_restarts_once_it_is_back()
    {
        var ns = await fx.NewNamespaceAsync("outage");
        var node = fx.Agent.NodeName;
        // The agent runs with --restart-backoff 1s --restart-backoff-max 4s (the harness's), so the
        // crasher comes back about every 6 s (2 s running, at most 4 s of CrashLoopBackOff) and the
        // probed pod every 8 to 12 s (4 s healthy, 1 failed probe, 1 s grace, back-off).
        // The crasher's environment comes from a ConfigMap, which each restart reads again: from the
        // agent's memory of it while the server is gone.
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: crasher-settings, namespace: {{ns}}}
            data: {mode: crash}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: crasher, namespace: {{ns}}}
            spec:
              nodeSelector: {kubernetes.io/hostname: {{node}}}
              terminationGracePeriodSeconds: 1
              containers:
              - name: main
                image: busybox
                command: [sh, -c, "echo mode=$MODE; sleep 2; exit 1"]
                env:
                - name: MODE
                  valueFrom:
                    configMapKeyRef: {name: crasher-settings, key: mode}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: probed, namespace: {{ns}}}
            spec:
              nodeSelector: {kubernetes.io/hostname: {{node}}}
              terminationGracePeriodSeconds: 1
              containers:
              - name: main
                image: busybox
                args: [/bin/sh, -c, "touch /tmp/healthy; sleep 4; rm -f /tmp/healthy; sleep 600"]
                livenessProbe:
                  exec:
                    command: [cat, /tmp/healthy]
                  initialDelaySeconds: 1
                  periodSeconds: 1
                  failureThreshold: 1
            """, "apply", "-f", "-");
        string[] pods = ["crasher", "probed"];
        foreach (var pod in pods)
        {
            await Eventually.UntilAsync(() => RestartCountAsync(ns, pod), r => r >= 1, $"{pod} restarted once with the server up", Slow);
        }
        // The node's cluster DNS: a pod there resolves a Service name every second into its log, which
        // the agent keeps in its data dir (readable with the server gone).
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Service
            metadata: {name: named, namespace: {{ns}}}
            spec:
              ports:
              - port: 80
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: resolver, namespace: {{ns}}}
            spec:
              nodeSelector: {kubernetes.io/hostname: {{node}}}
              terminationGracePeriodSeconds: 1
              containers:
              - name: main
                image: debian
                command: [sh, -c, "while true; do getent hosts named || echo unresolved; sleep 1; done"]
            """, "apply", "-f", "-");
        var clusterIp = await fx.Kubectl.OkAsync("get", "service", "named", "-n", ns, "-o", "jsonpath={.spec.clusterIP}");
        await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("logs", "resolver", "-n", ns, "--tail", "1"), r => r.Stdout.StartsWith(clusterIp + " ", StringComparison.Ordinal),
            "the resolver pod resolving the Service name", Slow);
        var resolverLog = Path.Combine(fx.Agent.DataDir, "agent", "pods", await fx.Kubectl.OkAsync("get", "pod", "resolver", "-n", ns, "-o", "jsonpath={.metadata.uid}"), "main", "0.log");
        Assert.True(File.Exists(resolverLog), resolverLog);

        // A pod that crashes once, 10 s after it starts (inside the outage), and then runs for good:
        // after its restart nothing changes any more, so only a status the agent kept and retried can
        // tell the API about it.
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: once, namespace: {{ns}}}
            spec:
              nodeSelector: {kubernetes.io/hostname: {{node}}}
              terminationGracePeriodSeconds: 1
              volumes:
              - name: scratch
                emptyDir: {medium: ""}
              containers:
              - name: main
                image: busybox
                command: [sh, -c, "[ -e /scratch/crashed ] && exec sleep 3600; touch /scratch/crashed; sleep 10; exit 1"]
                volumeMounts:
                - {name: scratch, mountPath: /scratch}
            """, "apply", "-f", "-");
        await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "pod", "once", "-n", ns, "-o", "jsonpath={.status.phase}"), p => p == "Running", "the once-crashing pod Running", Slow);
        pods = [.. pods, "once"];
        var uids = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            uids[pod] = await fx.Kubectl.OkAsync("get", "pod", pod, "-n", ns, "-o", "jsonpath={.metadata.uid}");
        }
        var leaseBefore = await LeaseRenewTimeAsync();

        await fx.Server.KillAsync();
        var down = Stopwatch.StartNew();
        var resolverLogAtKill = new FileInfo(resolverLog).Length;
        var atKill = pods.ToDictionary(p => p, p => CheckpointRestartCount(uids[p]), StringComparer.Ordinal);
        var seen = pods.ToDictionary(p => p, _ => new SortedSet<int>(), StringComparer.Ordinal);
        // The outage itself is what is tested: it lasts a fixed time, looking at the agent's data dir meanwhile.
        while (down.Elapsed < Outage)
        {
            foreach (var pod in pods)
            {
                seen[pod].Add(CheckpointRestartCount(uids[pod]));
            }
            Assert.True(fx.Agent.Pid is not null, $"the agent exited while the server was down:\n{fx.Agent.Log}");
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
        var atReturn = pods.ToDictionary(p => p, p => CheckpointRestartCount(uids[p]), StringComparer.Ordinal);
        output.WriteLine($"restarts during the {Outage.TotalSeconds:0} s outage: crasher {atKill["crasher"]} -> {atReturn["crasher"]}, probed {atKill["probed"]} -> {atReturn["probed"]}");

        // On schedule: each restart of the crasher was seen, one by one, at its pace (at least every ~6 s, with slack for a loaded machine).
        Assert.True(atReturn["crasher"] - atKill["crasher"] >= 3, $"crasher restarted {atReturn["crasher"] - atKill["crasher"]} times in {Outage.TotalSeconds:0} s");
        Assert.True(atReturn["probed"] - atKill["probed"] >= 1, $"the probed pod restarted {atReturn["probed"] - atKill["probed"]} times in {Outage.TotalSeconds:0} s");
        Assert.True(seen["crasher"].Count >= 3, $"crasher's restart counts seen while down: {string.Join(", ", seen["crasher"])}");
        Assert.Equal((0, 1), (atKill["once"], atReturn["once"]));

        // DNS answered from the node's last view all along.
        var answers = ReadFrom(resolverLog, resolverLogAtKill).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var resolved = answers.Count(l => l.Contains($" {clusterIp} ", StringComparison.Ordinal) && l.Contains("named", StringComparison.Ordinal));
        output.WriteLine($"DNS while the server was down: {resolved} of {answers.Length} lookups answered with {clusterIp}");
        Assert.True(resolved >= 15, string.Join('\n', answers));
        Assert.DoesNotContain(answers, l => l.Contains("unresolved", StringComparison.Ordinal));

        await fx.Server.RestartAsync();
        var back = Stopwatch.StartNew();
        // A pod created just after the return runs within seconds: the agent's pod watch is back at once, not after a 30 s backoff.
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: after, namespace: {{ns}}}
            spec:
              nodeSelector: {kubernetes.io/hostname: {{node}}}
              terminationGracePeriodSeconds: 1
              containers:
              - {name: main, image: busybox, command: [sleep, "3600"]}
            """, "apply", "-f", "-");
        await Eventually.UntilAsync(LeaseRenewTimeAsync, renew => renew > leaseBefore, "the node's Lease renewed after the outage", TimeSpan.FromSeconds(20));
        var leaseRenewedAfter = back.Elapsed;
        var reportedAfter = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            await Eventually.UntilAsync(() => RestartCountAsync(ns, pod), r => r >= atReturn[pod], $"{pod}'s restarts during the outage reported", TimeSpan.FromSeconds(20));
            reportedAfter[pod] = back.Elapsed;
        }
        output.WriteLine($"after the server answered again: Lease renewed in {leaseRenewedAfter.TotalSeconds:0.0} s, restart counts current in " +
            string.Join(", ", pods.Select(p => $"{reportedAfter[p].TotalSeconds:0.0} s ({p})")));
        Assert.True(leaseRenewedAfter < TimeSpan.FromSeconds(8), $"Lease renewed {leaseRenewedAfter.TotalSeconds:0.0} s after the server came back");
        // Seconds, not the next change of the pod (there is none for "once") nor a 30 s informer backoff.
        Assert.True(reportedAfter["once"] < TimeSpan.FromSeconds(10), $"the once-crashing pod's restart reported {reportedAfter["once"].TotalSeconds:0.0} s after the server came back");

        await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "pod", "after", "-n", ns, "-o", "jsonpath={.status.phase}"), p => p == "Running", "a pod created after the return Running", TimeSpan.FromSeconds(30));
        var newPodRunningAfter = back.Elapsed;
        output.WriteLine($"a pod created at the server's return ran after {newPodRunningAfter.TotalSeconds:0.0} s");
        Assert.True(newPodRunningAfter < TimeSpan.FromSeconds(12), $"a pod created at the server's return ran only after {newPodRunningAfter.TotalSeconds:0.0} s");

        // What kubectl shows is what the agent did: never more restarts than it counted, more than before the outage.
        foreach (var pod in pods)
        {
            var reported = await RestartCountAsync(ns, pod);
            Assert.InRange(reported, atReturn[pod], CheckpointRestartCount(uids[pod]));
            Assert.True(reported > atKill[pod]);
        }

        // The node lifecycle controller counts its grace period (8 s) afresh from the restart: the node
        // must stay Ready past it, with no unreachable taint, because its Lease is renewed again.
        while (back.Elapsed < TimeSpan.FromSeconds(12))
        {
            var ready = await fx.Kubectl.OkAsync("get", "node", node, "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}");
            Assert.True(ready == "True", $"node {node} Ready={ready} {back.Elapsed.TotalSeconds:0.0} s after the server came back");
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
        Assert.DoesNotContain("unreachable", await fx.Kubectl.OkAsync("get", "node", node, "-o", "jsonpath={.spec.taints[*].key}"));

        // The pods go on as before, and kubectl get pods says so: the crasher between crashes, the probed pod running.
        await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "pod", "crasher", "-n", ns, "--no-headers"),
            row => TableText.Cells(row)[2] == "CrashLoopBackOff", "crasher in CrashLoopBackOff", Slow);
        await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "pod", "probed", "-n", ns, "--no-headers"),
            row => TableText.Cells(row) is [_, "1/1", "Running", ..], "the probed pod Running", Slow);
        var once = TableText.Cells(await fx.Kubectl.OkAsync("get", "pod", "once", "-n", ns, "--no-headers"));
        Assert.True(once is [_, "1/1", "Running", var restarts, ..] && restarts.StartsWith("1 (", StringComparison.Ordinal), string.Join(" | ", once));
        var table = await fx.Kubectl.OkAsync("get", "pods", "-n", ns);
        output.WriteLine(table);
        foreach (var pod in pods)
        {
            // RESTARTS reads "5 (3s ago)".
            Assert.True(int.Parse(TableText.Row(table, pod)[3].Split(' ')[0], CultureInfo.InvariantCulture) >= atReturn[pod], table);
        }
    }

    private async Task<int> RestartCountAsync(string ns, string pod)
    {
        var text = await fx.Kubectl.OkAsync("get", "pod", pod, "-n", ns, "-o", "jsonpath={.status.containerStatuses[0].restartCount}");
        return text.Length == 0 ? 0 : int.Parse(text, CultureInfo.InvariantCulture);
    }

    private async Task<DateTimeOffset> LeaseRenewTimeAsync()
    {
        var text = await fx.Kubectl.OkAsync("get", "lease", fx.Agent.NodeName, "-n", "kube-node-lease", "-o", "jsonpath={.spec.renewTime}");
        return DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);
    }

    private static string ReadFrom(string path, long offset)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        file.Seek(offset, SeekOrigin.Begin);
        using var reader = new StreamReader(file);
        return reader.ReadToEnd();
    }

    /// <summary>The restart count the agent persisted for its own recovery: readable with the API server gone.</summary>
    private int CheckpointRestartCount(string uid)
    {
        var path = Path.Combine(fx.Agent.DataDir, "agent", "pods", uid, "checkpoint.json");
        var checkpoint = JsonNode.Parse(File.ReadAllText(path))!;
        return checkpoint["containers"]![0]!["restartCount"]!.GetValue<int>();
    }
}
