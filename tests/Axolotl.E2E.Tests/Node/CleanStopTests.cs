using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Node;

/// <summary>
/// A clean stop (SIGTERM) removes what the node made on the host, except what pods that survive the
/// stop by design need, and says what it kept; `axolotl reset` then removes that too (ADR 0015).
/// </summary>
public sealed class CleanStopTests
{
    [Fact]
    public async Task A_stop_with_no_pods_leaves_no_bridge_rule_namespace_cgroup_or_mount_of_the_node()
    {
        await using var server = await AxolotlServer.StartAsync();
        var running = await HostObjects.OfAsync(server, []);
        Assert.True(running.Bridge && running.Rules.Count == 1 && running.EgressTable && running.Cgroups.Count > 0, $"the start made them: {running}");

        Assert.Equal(0, await server.StopAsync());

        var after = await HostObjects.OfAsync(server, []);
        Assert.True(after.IsEmpty, after.ToString());
        Assert.Contains($"node {server.NodeName}: removed its host objects on stop", server.Log, StringComparison.Ordinal);
        Assert.DoesNotContain("kept for", server.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stop_under_a_running_pod_keeps_exactly_what_it_needs_says_so_and_reset_removes_it_all()
    {
        await using var server = await AxolotlServer.StartAsync();
        var uid = await NodePods.RunSleeperAsync(server);
        var processes = HostObjects.Processes(server);
        Assert.NotEmpty(processes);

        Assert.Equal(0, await server.StopAsync());

        var line = Assert.Single(server.Log.Split('\n'), l => l.Contains("kept for", StringComparison.Ordinal));
        Assert.Contains("kept for 1 pod the next start re-adopts (1 running container;", line, StringComparison.Ordinal);
        Assert.Contains($"bridge {server.Bridge}", line, StringComparison.Ordinal);
        Assert.Contains(HostObjects.NamespaceName(uid), line, StringComparison.Ordinal);
        Assert.Contains($"run 'axolotl reset --data-dir {server.DataDir}' to remove them", line, StringComparison.Ordinal);
        var kept = await HostObjects.OfAsync(server, [uid]);
        Assert.True(kept.Bridge, kept.ToString());
        Assert.Equal([HostObjects.NamespaceName(uid)], kept.Namespaces);
        Assert.Single(kept.Veths);
        Assert.Single(kept.Rules);
        Assert.True(kept.EgressTable, "a running pod keeps its way out: " + kept);
        Assert.True(kept.StandbyTable, "a running pod's Services keep answering from the kernel: " + kept);
        Assert.Contains("the service standby nftables table", line, StringComparison.Ordinal);
        // Nothing else: the proxy's link went, every cgroup and mount left is the pod's (or the node's root above them).
        Assert.False(kept.ServiceLink, kept.ToString());
        Assert.All(kept.Cgroups, c => Assert.True(c.EndsWith($"axolotl-{server.NodeName}", StringComparison.Ordinal) || c.Contains(uid, StringComparison.Ordinal), c));
        Assert.NotEmpty(kept.Mounts);
        Assert.All(kept.Mounts, m => Assert.Contains(uid, m, StringComparison.Ordinal));
        Assert.All(processes, pid => Assert.True(NodePods.Alive(pid), $"pid {pid} survives the stop"));

        var reset = await server.ResetAsync();

        Assert.True(reset.ExitCode == 0, reset.ToString());
        Assert.All(processes, pid => Assert.False(NodePods.Alive(pid), $"pid {pid} was killed"));
        var after = await HostObjects.OfAsync(server, [uid]);
        Assert.True(after.IsEmpty, after.ToString());
        var again = await server.ResetAsync();
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains($"nothing of node {server.NodeName} was left", again.Stdout, StringComparison.Ordinal);
    }
}
