using Axolotl.Agent.Network;

namespace Axolotl.Agent.Tests.Network;

public sealed class NodeEgressTests
{
    [Fact]
    public void Pods_are_masqueraded_only_to_addresses_outside_the_cluster_service_and_multicast_ranges()
    {
        var script = NodeEgress.Script("axl0", "10.244.3.0/24", "10.244.0.0/16", "10.96.0.0/16", 4096);

        Assert.Contains("ip saddr 10.244.3.0/24 ip daddr != { 10.244.0.0/16, 10.96.0.0/16, 224.0.0.0/4 } oifname != \"axl0\" counter masquerade", script, StringComparison.Ordinal);
        Assert.Contains("type nat hook postrouting priority srcnat", script, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_pod_is_capped_at_its_tracked_connections_and_zero_means_no_cap()
    {
        var capped = NodeEgress.Script("axl0", "10.244.3.0/24", "10.244.0.0/16", null, 25);
        var free = NodeEgress.Script("axl0", "10.244.3.0/24", "10.244.0.0/16", null, 0);

        Assert.Contains("iifname \"axl0\" ip saddr 10.244.3.0/24 ct state new add @pods { ip saddr ct count over 25 } counter reject", capped, StringComparison.Ordinal);
        Assert.DoesNotContain("ct count", free, StringComparison.Ordinal);
        Assert.DoesNotContain("10.96.", free, StringComparison.Ordinal);
    }

    [Fact]
    public void The_table_is_the_nodes_own_and_replaced_whole()
    {
        var script = NodeEgress.Script("axle42", "10.244.42.0/24", "10.244.0.0/16", null, 1);

        Assert.StartsWith("add table ip axolotl_egress_axle42\ndelete table ip axolotl_egress_axle42\ntable ip axolotl_egress_axle42 {", script, StringComparison.Ordinal);
        Assert.Matches("^axolotl_egress_[0-9a-f]{12}$", NodeEgress.TableName("my-bridge.1"));
        Assert.NotEqual(NodeEgress.TableName("my-bridge.1"), NodeEgress.TableName("my-bridge.2"));
    }
}
