using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.MultiNode;

/// <summary>
/// Seed 003's node failure: the joined node's agent dies, its Lease goes stale, the node turns
/// NotReady (Unknown) with the unreachable taints, its pods are evicted and the Deployment's
/// replacements run on the surviving node. Then cordon and drain on the surviving node's peer.
/// Runs with a 4 s grace period and 2 s default tolerations (upstream: 40 s and 300 s).
/// </summary>
public sealed class NodeFailureTests(MultiNodeFixture fx) : IClassFixture<MultiNodeFixture>
{
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(90);

    private async Task<string[]> PodNodesAsync(string ns)
    {
        var result = await fx.Kubectl.RunAsync("get", "pods", "-n", ns, "--no-headers", "-o", "custom-columns=PHASE:.status.phase,NODE:.spec.nodeName,DEL:.metadata.deletionTimestamp");
        return TableText.Lines(result.Stdout);
    }

    [Fact]
    public async Task Pods_of_a_dead_node_are_recreated_on_the_surviving_node()
    {
        var ns = await fx.NewNamespaceAsync("failover");
        await fx.Kubectl.OkAsync("create", "deployment", "web", "-n", ns, "--image=busybox", "--replicas=4", "--", "sleep", "3600");
        await Eventually.UntilAsync(() => PodNodesAsync(ns),
            lines => lines.Length == 4 && lines.All(l => l.StartsWith("Running", StringComparison.Ordinal)) && lines.Any(l => l.Contains(fx.Agent.NodeName, StringComparison.Ordinal)),
            "four Running pods, some on the joined node", Slow);

        await fx.Agent.KillAsync();
        try
        {
            await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "node", fx.Agent.NodeName, "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}"),
                s => s == "Unknown", "the dead node Unknown", Slow);
            var taints = await fx.Kubectl.OkAsync("get", "node", fx.Agent.NodeName, "-o", "jsonpath={.spec.taints[*].key}");
            Assert.Contains("node.kubernetes.io/unreachable", taints);
            Assert.Contains("NotReady", TableText.Row(await fx.Kubectl.OkAsync("get", "nodes"), fx.Agent.NodeName)[1]);

            await Eventually.UntilAsync(() => PodNodesAsync(ns),
                lines => lines.Count(l => l.StartsWith("Running", StringComparison.Ordinal) && l.Contains(fx.Server.NodeName, StringComparison.Ordinal) && l.EndsWith("<none>", StringComparison.Ordinal)) == 4,
                "four Running replicas on the surviving node", Slow);
        }
        finally
        {
            await fx.Agent.RestartAsync();
        }
        await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "node", fx.Agent.NodeName, "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}"),
            s => s == "True", "the node Ready again", Slow);
        Assert.DoesNotContain("unreachable", await fx.Kubectl.OkAsync("get", "node", fx.Agent.NodeName, "-o", "jsonpath={.spec.taints[*].key}"));

        // The returning agent finds its old pods gone from the API and stops them: no duplicates.
        await QuietPeriod.WaitAsync(TimeSpan.FromSeconds(3), "the returning agent bringing back pods the API no longer has");
        var lines = await PodNodesAsync(ns);
        Assert.Equal(4, lines.Length);
        Assert.All(lines, l => Assert.Contains(fx.Server.NodeName, l, StringComparison.Ordinal));
        var root = $"/sys/fs/cgroup/pids/axolotl-{fx.Agent.NodeName}";
        await Eventually.UntilAsync(
            () => Task.FromResult(Directory.Exists(root) ? Directory.GetDirectories(root).Count(d => File.Exists(Path.Combine(d, "pids.current")) && File.ReadAllText(Path.Combine(d, "pids.current")).Trim() != "0") : 0),
            running => running == 0, "the stale pods' processes stopped on the returning node", Slow);
    }

    [Fact]
    public async Task Drain_refuses_daemonset_pods_evicts_with_ignore_daemonsets_and_uncordon_reopens_the_node()
    {
        var ns = await fx.NewNamespaceAsync("drain");
        await fx.Kubectl.OkWithInputAsync($$$"""
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: agent, namespace: {{{ns}}}}
            spec:
              selector: {matchLabels: {app: agent}}
              template:
                metadata: {labels: {app: agent}}
                spec:
                  terminationGracePeriodSeconds: 1
                  containers:
                  - {name: a, image: busybox, args: [sleep, "3600"]}
            """, "apply", "-f", "-");
        await fx.Kubectl.OkAsync("create", "deployment", "web", "-n", ns, "--image=busybox", "--replicas=4", "--", "sleep", "3600");
        await fx.Kubectl.OkAsync("rollout", "status", "ds/agent", "-n", ns, "--timeout=90s");
        Assert.Equal("2", await fx.Kubectl.OkAsync("get", "ds", "agent", "-n", ns, "-o", "jsonpath={.status.numberReady}"));
        await Eventually.UntilAsync(() => PodNodesAsync(ns),
            lines => lines.Count(l => l.StartsWith("Running", StringComparison.Ordinal)) == 6 && lines.Count(l => l.Contains(fx.Agent.NodeName, StringComparison.Ordinal)) >= 2,
            "daemon and web pods running on both nodes", Slow);

        var refused = await fx.Kubectl.RunAsync("drain", fx.Agent.NodeName, "--timeout=60s");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("cannot delete DaemonSet-managed Pods", refused.Stderr);
        Assert.Contains("SchedulingDisabled", TableText.Row(await fx.Kubectl.OkAsync("get", "nodes"), fx.Agent.NodeName)[1]);

        var drained = await fx.Kubectl.RunAsync("drain", fx.Agent.NodeName, "--ignore-daemonsets", "--timeout=90s");
        Assert.True(drained.ExitCode == 0, drained.ToString());
        Assert.Contains($"node/{fx.Agent.NodeName} drained", drained.Stdout);
        await Eventually.UntilAsync(() => PodNodesAsync(ns),
            lines => lines.Count(l => l.StartsWith("Running", StringComparison.Ordinal)) == 6 &&
                     lines.Count(l => l.Contains(fx.Agent.NodeName, StringComparison.Ordinal)) == 1,
            "web pods moved; only the daemon pod left on the drained node", Slow);

        await fx.Kubectl.OkAsync("uncordon", fx.Agent.NodeName);
        Assert.Equal("Ready", TableText.Row(await fx.Kubectl.OkAsync("get", "nodes"), fx.Agent.NodeName)[1]);
    }

    [Fact]
    public async Task Drain_waits_for_a_disruption_budget_and_proceeds_once_it_allows()
    {
        var ns = await fx.NewNamespaceAsync("pdb");
        await fx.Kubectl.OkAsync("create", "deployment", "guarded", "-n", ns, "--image=busybox", "--replicas=4", "--", "sleep", "3600");
        await fx.Kubectl.OkAsync("create", "poddisruptionbudget", "guard", "-n", ns, "--selector=app=guarded", "--min-available=4");
        await Eventually.UntilAsync(() => PodNodesAsync(ns),
            lines => lines.Length == 4 && lines.All(l => l.StartsWith("Running", StringComparison.Ordinal)) && lines.Any(l => l.Contains(fx.Agent.NodeName, StringComparison.Ordinal)),
            "four Running pods, some on the joined node", Slow);
        await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "pods", "-n", ns, "-o", "jsonpath={.items[*].status.conditions[?(@.type==\"Ready\")].status}"),
            s => s == "True True True True", "all four Ready", Slow);

        var pdb = await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "pdb", "guard", "-n", ns),
            t => TableText.Row(t, "guard")[3] == "0", "ALLOWED DISRUPTIONS 0", Slow);
        Assert.Equal(["NAME", "MIN AVAILABLE", "MAX UNAVAILABLE", "ALLOWED DISRUPTIONS", "AGE"], TableText.Header(pdb));
        try
        {
            var blocked = await fx.Kubectl.RunAsync("drain", fx.Agent.NodeName, "--ignore-daemonsets", "--timeout=8s");
            Assert.NotEqual(0, blocked.ExitCode);
            Assert.Contains("Cannot evict pod as it would violate the pod's disruption budget.", blocked.Output);

            // minAvailable 3 allows one disruption at a time: drain evicts, waits for replacements, and finishes.
            await fx.Kubectl.OkAsync("patch", "pdb", "guard", "-n", ns, "--type=merge", "-p", "{\"spec\":{\"minAvailable\":3}}");
            await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "pdb", "guard", "-n", ns, "-o", "jsonpath={.status.disruptionsAllowed}"),
                a => a == "1", "one disruption allowed", Slow);
            var drained = await fx.Kubectl.RunAsync("drain", fx.Agent.NodeName, "--ignore-daemonsets", "--timeout=90s");
            Assert.True(drained.ExitCode == 0, drained.ToString());
            await Eventually.UntilAsync(() => PodNodesAsync(ns),
                lines => lines.Count(l => l.StartsWith("Running", StringComparison.Ordinal) && l.Contains(fx.Server.NodeName, StringComparison.Ordinal)) == 4,
                "all four on the other node", Slow);
        }
        finally
        {
            await fx.Kubectl.RunAsync("uncordon", fx.Agent.NodeName);
        }
    }

    [Fact]
    public async Task Drain_refuses_bare_pods_and_local_storage_until_force_and_delete_emptydir_data()
    {
        var ns = await fx.NewNamespaceAsync("drainopts");
        await fx.RunPodOnAsync(ns, "bare", fx.Agent.NodeName, "busybox", "sleep", "3600");
        await fx.Kubectl.OkWithInputAsync($$$"""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: scratch, namespace: {{{ns}}}}
            spec:
              replicas: 1
              selector: {matchLabels: {app: scratch}}
              template:
                metadata: {labels: {app: scratch}}
                spec:
                  nodeSelector: {kubernetes.io/hostname: {{{fx.Agent.NodeName}}}}
                  terminationGracePeriodSeconds: 1
                  volumes: [{name: cache, emptyDir: {}}]
                  containers:
                  - {name: c, image: busybox, args: [sleep, "3600"], volumeMounts: [{name: cache, mountPath: /cache}]}
            """, "apply", "-f", "-");
        await Eventually.UntilAsync(() => PodNodesAsync(ns),
            lines => lines.Length == 2 && lines.All(l => l.StartsWith("Running", StringComparison.Ordinal) && l.Contains(fx.Agent.NodeName, StringComparison.Ordinal)),
            "the bare pod and the emptyDir pod running on the joined node", Slow);
        try
        {
            var refused = await fx.Kubectl.RunAsync("drain", fx.Agent.NodeName, "--ignore-daemonsets", "--timeout=30s");
            Assert.NotEqual(0, refused.ExitCode);
            Assert.Contains("cannot delete Pods that declare no controller (use --force to override)", refused.Stderr);
            Assert.Contains("cannot delete Pods with local storage (use --delete-emptydir-data to override)", refused.Stderr);

            var drained = await fx.Kubectl.RunAsync("drain", fx.Agent.NodeName, "--ignore-daemonsets", "--force", "--delete-emptydir-data", "--timeout=60s");
            Assert.True(drained.ExitCode == 0, drained.ToString());
            Assert.Contains($"evicting pod {ns}/bare", drained.Output);
            Assert.Contains($"node/{fx.Agent.NodeName} drained", drained.Stdout);

            // The bare pod is gone for good; the Deployment's replacement waits for its (cordoned) node.
            await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "pods", "-n", ns, "--no-headers", "-o", "custom-columns=NAME:.metadata.name,PHASE:.status.phase"),
                t => !t.Contains("bare", StringComparison.Ordinal) && TableText.Lines(t).Length == 1 && t.Contains("Pending", StringComparison.Ordinal),
                "bare pod gone, the replacement Pending on the cordoned node", Slow);
        }
        finally
        {
            await fx.Kubectl.RunAsync("uncordon", fx.Agent.NodeName);
        }
        await Eventually.UntilAsync(() => PodNodesAsync(ns),
            lines => lines.Length == 1 && lines[0].StartsWith("Running", StringComparison.Ordinal),
            "the replacement running once the node is uncordoned", Slow);
    }
}
