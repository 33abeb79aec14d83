using System.Diagnostics;
using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Node;

/// <summary>`axolotl reset` touches one node's objects only, never while it runs; a start on a dirty data dir removes orphans (ADR 0015).</summary>
public sealed class ResetTests
{
    [Fact]
    public async Task Reset_is_refused_while_the_server_runs_on_the_data_dir()
    {
        await using var server = await AxolotlServer.StartAsync();

        var reset = await server.ResetAsync();

        Assert.Equal(1, reset.ExitCode);
        Assert.Contains($"{server.DataDir} is in use by an axolotl server (pid {server.Pid}); stop it first", reset.Stderr, StringComparison.Ordinal);
        Assert.True((await HostObjects.OfAsync(server, [])).Bridge);
    }

    [Fact]
    public async Task A_reset_of_one_node_leaves_another_nodes_pod_and_host_objects_alone()
    {
        await using var first = await AxolotlServer.StartAsync();
        await using var second = await AxolotlServer.StartAsync();
        var firstUid = await NodePods.RunSleeperAsync(first);
        var secondUid = await NodePods.RunSleeperAsync(second);
        var secondBefore = await HostObjects.OfAsync(second, [secondUid]);
        var secondProcesses = HostObjects.Processes(second);
        Assert.Equal(0, await first.StopAsync());

        var reset = await first.ResetAsync();

        Assert.True(reset.ExitCode == 0, reset.ToString());
        Assert.True((await HostObjects.OfAsync(first, [firstUid])).IsEmpty);
        var secondAfter = await HostObjects.OfAsync(second, [secondUid]);
        Assert.Equal(secondBefore.ToString(), secondAfter.ToString());
        Assert.All(secondProcesses, pid => Assert.True(NodePods.Alive(pid), $"the other node's pid {pid} lives"));
        Assert.Equal("Running", await new Kubectl(second).OkAsync("get", "pod", "sleeper", "-o", "jsonpath={.status.phase}"));
    }

    [Fact]
    public async Task A_start_on_a_dirty_data_dir_removes_what_no_pod_owns_and_keeps_the_pods_it_re_adopts()
    {
        await using var server = await AxolotlServer.StartAsync();
        var uid = await NodePods.RunSleeperAsync(server);
        var kubectl = new Kubectl(server);
        await server.KillAsync();

        // What a node killed half-way through a pod's removal leaves: state, a namespace, cgroups with a process in them.
        const string orphan = "0badc0de-0000-4000-8000-00000000cafe";
        var orphanNs = HostObjects.NamespaceName(orphan);
        var orphanState = Path.Combine(server.DataDir, "runtime", "pods", orphan);
        Directory.CreateDirectory(orphanState);
        Assert.Equal(0, (await ProcessRunner.RunAsync("ip", ["netns", "add", orphanNs], timeout: TimeSpan.FromSeconds(10))).ExitCode);
        using var stray = Process.Start(new ProcessStartInfo("sleep", "600") { UseShellExecute = false })!;
        string[] cgroups = [.. new[] { "memory", "unified" }.Select(h => $"/sys/fs/cgroup/{h}/axolotl-{server.NodeName}/{orphan}/c")];
        try
        {
            foreach (var cgroup in cgroups)
            {
                Directory.CreateDirectory(cgroup);
                await File.WriteAllTextAsync(Path.Combine(cgroup, "cgroup.procs"), stray.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            await server.RestartAsync();

            Assert.True(stray.WaitForExit(TimeSpan.FromSeconds(10)), "the orphan's process was killed");
            // The line comes once every step is done, which may be after the orphan's process is gone: the
            // namespace, cgroups and state are checked after it.
            await Eventually.UntilAsync(() => Task.FromResult(server.Log),
                log => log.Contains($"node {server.NodeName}: removed what no pod to re-adopt needs", StringComparison.Ordinal), "the start's cleanup line");
            Assert.Empty((await HostObjects.OfAsync(server, [orphan])).Namespaces);
            Assert.All(cgroups, c => Assert.False(Directory.Exists(Path.GetDirectoryName(c)), c));
            Assert.False(Directory.Exists(orphanState));
            // The pod with a checkpoint keeps its sandbox and runs on (the kill may have taken its container with the
            // server's process tree: then it is restarted in the same namespace).
            Assert.Equal([HostObjects.NamespaceName(uid)], (await HostObjects.OfAsync(server, [uid])).Namespaces);
            await Eventually.UntilAsync(() => kubectl.OkAsync("get", "pod", "sleeper", "-o", "jsonpath={.status.phase} {.status.containerStatuses[0].ready}"),
                s => s == "Running true", "sleeper running again", TimeSpan.FromSeconds(60));
        }
        finally
        {
            if (!stray.HasExited)
            {
                stray.Kill();
            }
            await ProcessRunner.RunAsync("ip", ["netns", "del", orphanNs], timeout: TimeSpan.FromSeconds(10));
        }
    }
}
