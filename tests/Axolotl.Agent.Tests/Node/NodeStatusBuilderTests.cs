using Axolotl.Agent.Node;

namespace Axolotl.Agent.Tests.Node;

public sealed class NodeStatusBuilderTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static NodeFacts Facts(long memAvailable = 8L << 30) =>
        new(2, 16L << 30, memAvailable, 100L << 30, 50L << 30, "Debian GNU/Linux 12 (bookworm)", "6.1.0", "m1", "b1", "192.168.1.2");

    [Fact]
    public void A_healthy_node_reports_upstreams_conditions_capacity_and_info()
    {
        var options = new AgentOptions { NodeName = "node-a" };
        var status = NodeStatusBuilder.Build(Facts(), options, "process (root, cgroups v1)", null, Now);

        Assert.Equal(["MemoryPressure", "DiskPressure", "PIDPressure", "Ready"], status.Conditions!.Select(c => c.Type));
        var ready = status.Conditions!.Single(c => c.Type == "Ready");
        Assert.Equal(("True", "KubeletReady", "kubelet is posting ready status"), (ready.Status, ready.Reason, ready.Message));
        var memory = status.Conditions!.Single(c => c.Type == "MemoryPressure");
        Assert.Equal(("False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"), (memory.Status, memory.Reason, memory.Message));
        Assert.Equal("KubeletHasNoDiskPressure", status.Conditions!.Single(c => c.Type == "DiskPressure").Reason);
        Assert.Equal("KubeletHasSufficientPID", status.Conditions!.Single(c => c.Type == "PIDPressure").Reason);

        Assert.Equal("2", status.Capacity!["cpu"].ToString());
        Assert.Equal("110", status.Capacity!["pods"].ToString());
        Assert.Equal("16Gi", status.Capacity!["memory"].ToString());
        Assert.Equal((16L << 30) - (100L << 20), status.Allocatable!["memory"].Value());
        Assert.Equal(["InternalIP", "Hostname"], status.Addresses!.Select(a => a.Type));
        Assert.Equal("node-a", status.Addresses![1].Address);
        Assert.Equal("v1.32.4-axolotl", status.NodeInfo!.KubeletVersion);
        Assert.Equal("axolotl://process (root, cgroups v1)", status.NodeInfo.ContainerRuntimeVersion);
        Assert.Equal("Debian GNU/Linux 12 (bookworm)", status.NodeInfo.OsImage);
        Assert.Equal(("linux", "amd64"), (status.NodeInfo.OperatingSystem, status.NodeInfo.Architecture));
        Assert.Equal(10250, status.DaemonEndpoints!.KubeletEndpoint!.Port);
    }

    [Fact]
    public void The_eviction_managers_MemoryPressure_is_reported_and_only_a_change_moves_the_transition_time()
    {
        var options = new AgentOptions { NodeName = "node-a" };
        var healthy = NodeStatusBuilder.Build(Facts(), options, "fake", null, Now);
        var again = NodeStatusBuilder.Build(Facts(), options, "fake", healthy, Now.AddMinutes(1));
        var pressed = NodeStatusBuilder.Build(Facts(memAvailable: 10L << 20), options, "fake", again, Now.AddMinutes(2), ["MemoryPressure"]);

        var memory = pressed.Conditions!.Single(c => c.Type == "MemoryPressure");
        Assert.Equal(("True", "KubeletHasInsufficientMemory"), (memory.Status, memory.Reason));
        Assert.Equal(Now.AddMinutes(2), memory.LastTransitionTime);
        Assert.Equal(Now, again.Conditions!.Single(c => c.Type == "Ready").LastTransitionTime);
        Assert.Equal(Now.AddMinutes(1), again.Conditions!.Single(c => c.Type == "Ready").LastHeartbeatTime);
        Assert.Equal(NodeStatusBuilder.Fingerprint(healthy), NodeStatusBuilder.Fingerprint(again));
    }

    [Fact]
    public void Meminfo_and_os_release_are_parsed()
    {
        var dir = Directory.CreateTempSubdirectory("axolotl-facts-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "meminfo"), "MemTotal:       16384000 kB\nMemAvailable:    8000000 kB\nHugePages_Total:       0\n");
            File.WriteAllText(Path.Combine(dir, "os-release"), "NAME=\"Debian GNU/Linux\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n");

            var mem = NodeFacts.ReadMeminfo(Path.Combine(dir, "meminfo"));
            Assert.Equal(16384000L * 1024, mem["MemTotal"]);
            Assert.Equal(0, mem["HugePages_Total"]);
            Assert.Equal("Debian GNU/Linux 12 (bookworm)", NodeFacts.OsRelease(Path.Combine(dir, "os-release")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
