using Axolotl.Agent.Cleanup;
using Axolotl.Agent.Network;
using Axolotl.Runtime.Network;

namespace Axolotl.Agent.Tests.Cleanup;

public sealed class HostCleanupTrackerTests
{
    private const string Running = "11111111-aaaa-4000-8000-000000000001";
    private const string Deleted = "22222222-bbbb-4000-8000-000000000002";
    private const string Exited = "33333333-cccc-4000-8000-000000000003";
    private const string Other = "44444444-dddd-4000-8000-000000000004";

    private static readonly NodeHostRecord Node = new()
    {
        DataDir = "/var/lib/axl-a",
        NodeName = "a",
        Bridge = "axla",
        CgroupRoot = "axolotl-a",
        PodCidr = "10.244.7.0/24",
        Gateway = "10.244.7.1",
        ClusterCidr = "10.244.0.0/16",
        ServiceInterface = "axla-svc",
        ServiceCidr = "10.96.7.0/24",
    };

    private static CgroupEntry Cgroup(string hierarchy, string relative, int members = 0) =>
        new($"/sys/fs/cgroup/{hierarchy}/{relative}", relative, members);

    /// <summary>A node with one running pod (checkpointed), one exited pod (checkpointed), one deleted pod
    /// whose leftovers remain, and another node's objects on the same machine.</summary>
    private static HostInventory Machine() => new()
    {
        Links = new HashSet<string>
        {
            "eth0", "axla", "axla-svc", "axlb", PodNetwork.HostVethName("axla", Running), PodNetwork.HostVethName("axla", Deleted),
            PodNetwork.HostVethName("axlb", Other),
        },
        BridgePorts = [PodNetwork.HostVethName("axla", Running), PodNetwork.HostVethName("axla", Deleted)],
        Namespaces = new HashSet<string> { PodNetwork.NamespaceName(Running), PodNetwork.NamespaceName(Deleted), PodNetwork.NamespaceName(Exited), PodNetwork.NamespaceName(Other) },
        Rules =
        [
            new(0, null), new(NodeRouting.AllowPreference, "axla"), new(NodeRouting.RefusePreference, "axla"),
            new(NodeRouting.AllowPreference, "axlb"), new(NodeRouting.RefusePreference, "axlb"), new(32766, null),
        ],
        Routes =
        [
            new("10.244.9.0/24", "10.244.7.1", "eth0", "unicast", HostGatewayRoutes.Protocol),
            new("10.244.9.0/24", "10.244.8.1", "eth0", "unicast", HostGatewayRoutes.Protocol),
            new("10.96.7.0/24", null, null, "unreachable", null),
            new("10.96.8.0/24", null, null, "unreachable", null),
        ],
        NftTables = new HashSet<string> { HostCleanupTracker.VxlanTable, "inet filter" },
        Cgroups =
        [
            Cgroup("memory", "axolotl-a"),
            Cgroup("memory", $"axolotl-a/{Running}"),
            Cgroup("memory", $"axolotl-a/{Running}/c", members: 2),
            Cgroup("memory", $"axolotl-a/{Running}/old"),
            Cgroup("memory", $"axolotl-a/{Deleted}"),
            Cgroup("memory", $"axolotl-a/{Deleted}/c", members: 1),
            Cgroup("memory", $"axolotl-a/{Exited}"),
            Cgroup("memory", $"axolotl-a/{Exited}/c"),
            Cgroup("unified", "axolotl-a"),
            Cgroup("unified", $"axolotl-a/{Running}"),
            Cgroup("unified", $"axolotl-a/{Running}/c", members: 2),
        ],
        Mounts =
        [
            $"/var/lib/axl-a/agent/pods/{Running}/volumes/kubernetes.io~secret/token",
            $"/var/lib/axl-a/agent/pods/{Deleted}/volumes/kubernetes.io~secret/token",
            $"/var/lib/axl-a/agent/pods/{Deleted}/volumes/kubernetes.io~empty-dir/m",
        ],
        Containers =
        [
            new(Running, "r1", 100, 5000, Alive: true),
            new(Deleted, "d1", 200, 6000, Alive: true),
            new(Exited, "e1", 300, 7000, Alive: false),
        ],
        CheckpointedPods = new HashSet<string> { Running, Exited },
        AgentPods = new HashSet<string> { Running, Exited, Deleted },
        RuntimePods = new HashSet<string> { Running, Exited, Deleted },
        Addresses = [new("/var/lib/axl-a/runtime/ipam/10.244.7.2", Running), new("/var/lib/axl-a/runtime/ipam/10.244.7.3", Deleted)],
    };

    private static List<string> Targets(HostCleanupPlan plan, CleanupStep step) => [.. plan.Actions.Where(a => a.Step == step).Select(a => a.Target)];

    [Fact]
    public void A_stop_keeps_everything_of_the_pods_the_next_start_re_adopts_and_removes_a_deleted_pods_leftovers()
    {
        var plan = HostCleanupTracker.Decide(Node, Machine(), CleanupMode.Stop);

        // The deleted pod's container still runs with no checkpoint: a stop never kills, so it is kept too.
        Assert.Empty(Targets(plan, CleanupStep.KillCgroup));
        Assert.Empty(Targets(plan, CleanupStep.KillProcess));
        Assert.Equal([Running, Deleted, Exited], plan.Kept.Pods);
        Assert.Equal("axla", plan.Kept.Bridge);
        Assert.Equal(2, plan.Kept.Rules);
        Assert.Equal(1, plan.Kept.Routes);
        Assert.DoesNotContain("axla", Targets(plan, CleanupStep.DeleteLink));
        Assert.Empty(Targets(plan, CleanupStep.DeleteRule));
        // Empty cgroups of exited containers go; the running one's stay.
        Assert.Equal([$"/sys/fs/cgroup/memory/axolotl-a/{Running}/old", $"/sys/fs/cgroup/memory/axolotl-a/{Exited}/c"], Targets(plan, CleanupStep.RemoveCgroup));
    }

    [Fact]
    public void A_stop_removes_a_dead_pods_namespace_veth_mounts_cgroups_and_state_when_nothing_of_it_runs()
    {
        var machine = Machine() with
        {
            Containers = [new(Running, "r1", 100, 5000, Alive: true), new(Deleted, "d1", 200, 6000, Alive: false)],
            Cgroups = [.. Machine().Cgroups.Select(c => c.Relative.Contains(Deleted, StringComparison.Ordinal) ? c with { Members = 0 } : c)],
        };

        var plan = HostCleanupTracker.Decide(Node, machine, CleanupMode.Stop);

        Assert.Equal([PodNetwork.NamespaceName(Deleted)], Targets(plan, CleanupStep.DeleteNamespace));
        Assert.Equal([PodNetwork.HostVethName("axla", Deleted)], Targets(plan, CleanupStep.DeleteLink));
        Assert.Equal(2, Targets(plan, CleanupStep.Unmount).Count);
        Assert.All(Targets(plan, CleanupStep.Unmount), m => Assert.Contains(Deleted, m, StringComparison.Ordinal));
        Assert.Contains($"/sys/fs/cgroup/memory/axolotl-a/{Deleted}", Targets(plan, CleanupStep.RemoveCgroup));
        Assert.Equal([$"/var/lib/axl-a/agent/pods/{Deleted}", $"/var/lib/axl-a/runtime/pods/{Deleted}"], Targets(plan, CleanupStep.RemoveDirectory));
        Assert.Equal(["/var/lib/axl-a/runtime/ipam/10.244.7.3"], Targets(plan, CleanupStep.RemoveFile));
        Assert.Equal([Running, Exited], plan.Kept.Pods);
        Assert.Equal([PodNetwork.NamespaceName(Running), PodNetwork.NamespaceName(Exited)], plan.Kept.Namespaces);
        Assert.Equal(1, plan.Kept.Veths);
        Assert.Equal(1, plan.Kept.Mounts);
        Assert.Equal(1, plan.Kept.RunningContainers);
    }

    [Fact]
    public void A_stop_with_no_pod_left_removes_the_nodes_bridge_rules_routes_service_link_and_cgroup_root_and_nothing_of_another_node()
    {
        var machine = new HostInventory
        {
            Links = new HashSet<string> { "eth0", "axla", "axla-svc", "axlb" },
            Namespaces = new HashSet<string> { PodNetwork.NamespaceName(Other) },
            Rules = Machine().Rules,
            Routes = Machine().Routes,
            NftTables = Machine().NftTables,
            Cgroups = [Cgroup("memory", "axolotl-a"), Cgroup("pids", "axolotl-a"), Cgroup("devices", "axolotl-a")],
        };

        var plan = HostCleanupTracker.Decide(Node, machine, CleanupMode.Stop);

        Assert.True(plan.Kept.IsEmpty);
        Assert.Equal(["axla", "axla-svc"], Targets(plan, CleanupStep.DeleteLink));
        Assert.Equal([$"pref {NodeRouting.AllowPreference} iif axla", $"pref {NodeRouting.RefusePreference} iif axla"], Targets(plan, CleanupStep.DeleteRule));
        Assert.Equal(["10.244.9.0/24 proto 147", "unreachable 10.96.7.0/24"], Targets(plan, CleanupStep.DeleteRoute));
        Assert.Equal(3, Targets(plan, CleanupStep.RemoveCgroup).Count);
        Assert.Empty(Targets(plan, CleanupStep.DeleteNamespace));
        // host-gw: the VXLAN table is not this node's.
        Assert.Empty(Targets(plan, CleanupStep.DeleteNftTable));
    }

    [Fact]
    public void A_reset_kills_every_container_before_it_unmounts_and_removes_everything_of_the_node()
    {
        var plan = HostCleanupTracker.Decide(Node, Machine(), CleanupMode.Reset);

        var steps = plan.Actions.Select(a => a.Step).ToList();
        Assert.True(steps.LastIndexOf(CleanupStep.KillProcess) < steps.IndexOf(CleanupStep.Unmount), "kills come first");
        Assert.True(steps.LastIndexOf(CleanupStep.Unmount) < steps.IndexOf(CleanupStep.RemoveDirectory), "unmounts before removals");
        Assert.Equal(["100", "200"], Targets(plan, CleanupStep.KillProcess));
        Assert.Equal(5000, plan.Actions.First(a => a.Step == CleanupStep.KillProcess).StartTicks);
        Assert.Equal(3, Targets(plan, CleanupStep.KillCgroup).Count);
        Assert.Equal(3, Targets(plan, CleanupStep.Unmount).Count);
        Assert.Equal(
            [PodNetwork.NamespaceName(Running), PodNetwork.NamespaceName(Deleted), PodNetwork.NamespaceName(Exited)],
            Targets(plan, CleanupStep.DeleteNamespace).Order(StringComparer.Ordinal));
        Assert.Contains("axla", Targets(plan, CleanupStep.DeleteLink));
        Assert.Equal(Machine().Cgroups.Count, Targets(plan, CleanupStep.RemoveCgroup).Count);
        Assert.True(plan.Kept.IsEmpty);

        // Never another node's: its bridge, its veth, its namespace, its rules, its route.
        var all = plan.Actions.Select(a => a.Target).ToList();
        Assert.DoesNotContain("axlb", all);
        Assert.DoesNotContain(PodNetwork.HostVethName("axlb", Other), all);
        Assert.DoesNotContain(PodNetwork.NamespaceName(Other), all);
        Assert.DoesNotContain($"pref {NodeRouting.AllowPreference} iif axlb", all);
        Assert.Single(Targets(plan, CleanupStep.DeleteRoute), r => r.Contains("10.244.9.0/24", StringComparison.Ordinal));
        Assert.DoesNotContain("unreachable 10.96.8.0/24", all);
    }

    [Fact]
    public void Cgroups_are_removed_children_first_and_mounts_deepest_first()
    {
        var plan = HostCleanupTracker.Decide(Node, Machine(), CleanupMode.Reset);

        var cgroups = Targets(plan, CleanupStep.RemoveCgroup);
        Assert.True(cgroups.IndexOf($"/sys/fs/cgroup/memory/axolotl-a/{Running}/c") < cgroups.IndexOf($"/sys/fs/cgroup/memory/axolotl-a/{Running}"));
        Assert.True(cgroups.IndexOf($"/sys/fs/cgroup/memory/axolotl-a/{Running}") < cgroups.IndexOf("/sys/fs/cgroup/memory/axolotl-a"));
        var mounts = Targets(plan, CleanupStep.Unmount);
        Assert.Equal(mounts.OrderByDescending(m => m.Count(c => c == '/')).ThenBy(m => m, StringComparer.Ordinal), mounts);
    }

    [Fact]
    public void A_start_kills_and_removes_a_pod_without_a_checkpoint_and_keeps_the_nodes_own_objects()
    {
        var plan = HostCleanupTracker.Decide(Node, Machine(), CleanupMode.Start);

        Assert.Equal(["200"], Targets(plan, CleanupStep.KillProcess));
        Assert.Equal([$"/sys/fs/cgroup/memory/axolotl-a/{Deleted}/c"], Targets(plan, CleanupStep.KillCgroup));
        Assert.Equal([PodNetwork.NamespaceName(Deleted)], Targets(plan, CleanupStep.DeleteNamespace));
        Assert.Equal([PodNetwork.HostVethName("axla", Deleted)], Targets(plan, CleanupStep.DeleteLink));
        Assert.Empty(Targets(plan, CleanupStep.DeleteRule));
        Assert.Empty(Targets(plan, CleanupStep.DeleteRoute));
        Assert.DoesNotContain("/sys/fs/cgroup/memory/axolotl-a", Targets(plan, CleanupStep.RemoveCgroup));
        Assert.DoesNotContain($"/sys/fs/cgroup/memory/axolotl-a/{Running}/c", Targets(plan, CleanupStep.RemoveCgroup));
    }

    [Fact]
    public void The_vxlan_device_and_table_go_only_when_no_other_nodes_route_uses_the_device()
    {
        var vxlanNode = Node with { PodNetwork = "vxlan" };
        var alone = new HostInventory
        {
            Links = new HashSet<string> { "axla", VxlanRoutes.Device },
            NftTables = new HashSet<string> { HostCleanupTracker.VxlanTable },
            Routes = [new("10.244.9.0/24", "10.244.7.1", VxlanRoutes.Device, "unicast", HostGatewayRoutes.Protocol)],
        };
        var shared = alone with
        {
            Routes = [.. alone.Routes, new("10.244.10.0/24", "10.244.8.1", VxlanRoutes.Device, "unicast", HostGatewayRoutes.Protocol)],
        };

        var removed = HostCleanupTracker.Decide(vxlanNode, alone, CleanupMode.Reset);
        var kept = HostCleanupTracker.Decide(vxlanNode, shared, CleanupMode.Reset);

        Assert.Contains(VxlanRoutes.Device, Targets(removed, CleanupStep.DeleteLink));
        Assert.Equal([HostCleanupTracker.VxlanTable], Targets(removed, CleanupStep.DeleteNftTable));
        Assert.DoesNotContain(VxlanRoutes.Device, Targets(kept, CleanupStep.DeleteLink));
        Assert.Empty(Targets(kept, CleanupStep.DeleteNftTable));
        Assert.Equal(["10.244.9.0/24 proto 147"], Targets(kept, CleanupStep.DeleteRoute));
    }

    [Fact]
    public void The_kept_line_names_the_pods_objects_and_the_reset_command()
    {
        var line = HostCleanupTracker.Decide(Node, Machine(), CleanupMode.Stop).Kept.Describe("/var/lib/axl-a");

        Assert.StartsWith("kept for 3 pods the next start re-adopts (2 running containers;", line, StringComparison.Ordinal);
        Assert.Contains("bridge axla", line, StringComparison.Ordinal);
        Assert.Contains($"3 network namespaces ({PodNetwork.NamespaceName(Running)}", line, StringComparison.Ordinal);
        Assert.Contains("2 ip rules", line, StringComparison.Ordinal);
        Assert.EndsWith("run 'axolotl reset --data-dir /var/lib/axl-a' to remove them", line, StringComparison.Ordinal);
    }

    [Fact]
    public void The_nodes_egress_table_stays_for_surviving_pods_and_goes_with_the_last_one_but_another_nodes_never()
    {
        var machine = Machine() with { NftTables = new HashSet<string> { NodeEgress.QualifiedTableName("axla"), NodeEgress.QualifiedTableName("axlb") } };

        var stop = HostCleanupTracker.Decide(Node, machine, CleanupMode.Stop);
        var start = HostCleanupTracker.Decide(Node, machine, CleanupMode.Start);
        var reset = HostCleanupTracker.Decide(Node, machine, CleanupMode.Reset);

        Assert.Empty(Targets(stop, CleanupStep.DeleteNftTable));
        Assert.Contains("the egress nftables table", stop.Kept.Describe("/var/lib/axl-a"), StringComparison.Ordinal);
        Assert.Empty(Targets(start, CleanupStep.DeleteNftTable));
        Assert.Equal(["ip axolotl_egress_axla"], Targets(reset, CleanupStep.DeleteNftTable));
    }

    [Fact]
    public void The_service_standby_table_stays_for_surviving_pods_and_goes_with_the_last_one_but_another_nodes_never()
    {
        var node = Node with { ServiceStandbyTable = "ip axolotl_standby_axla" };
        var machine = Machine() with { NftTables = new HashSet<string> { "ip axolotl_standby_axla", "ip axolotl_standby_axlb" } };

        var stop = HostCleanupTracker.Decide(node, machine, CleanupMode.Stop);
        var start = HostCleanupTracker.Decide(node, machine, CleanupMode.Start);
        var reset = HostCleanupTracker.Decide(node, machine, CleanupMode.Reset);
        var emptyStop = HostCleanupTracker.Decide(node, new HostInventory { NftTables = machine.NftTables }, CleanupMode.Stop);

        Assert.Empty(Targets(stop, CleanupStep.DeleteNftTable));
        Assert.Contains("the service standby nftables table", stop.Kept.Describe("/var/lib/axl-a"), StringComparison.Ordinal);
        Assert.Empty(Targets(start, CleanupStep.DeleteNftTable));
        Assert.Equal(["ip axolotl_standby_axla"], Targets(reset, CleanupStep.DeleteNftTable));
        Assert.Equal(["ip axolotl_standby_axla"], Targets(emptyStop, CleanupStep.DeleteNftTable));
        // A record from before the standby path names no table: nothing is guessed.
        Assert.Empty(Targets(HostCleanupTracker.Decide(Node, machine, CleanupMode.Reset), CleanupStep.DeleteNftTable));
    }
}
