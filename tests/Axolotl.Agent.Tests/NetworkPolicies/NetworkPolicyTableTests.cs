using Axolotl.Agent.NetworkPolicies;
using static Axolotl.Agent.Tests.NetworkPolicies.PolicyWorld;

namespace Axolotl.Agent.Tests.NetworkPolicies;

public sealed class NetworkPolicyTableTests
{
    [Fact]
    public void The_table_is_the_nodes_own_and_replaced_whole_in_one_transaction()
    {
        var script = NetworkPolicyTable.Script("axle7", [], "10.96.7.0/24");

        Assert.StartsWith("add table inet axolotl_netpol_axle7\ndelete table inet axolotl_netpol_axle7\ntable inet axolotl_netpol_axle7 {", script, StringComparison.Ordinal);
        Assert.Matches("^axolotl_netpol_[0-9a-f]{12}$", NetworkPolicyTable.TableName("my-bridge.1"));
        Assert.Contains("map ingress {\n    type ipv4_addr : verdict\n  }", script, StringComparison.Ordinal);
        Assert.Contains("ip daddr 10.96.7.0-10.96.7.255 accept", script, StringComparison.Ordinal);
    }

    [Fact]
    public void Isolated_pods_jump_to_their_chain_by_address_and_the_rest_pass_untouched()
    {
        var state = State(
            Policy("x", "deny", Labels("pod", "a"), ["Ingress", "Egress"],
                ingress: [new() { From = [new() { PodSelector = Labels("pod", "b") }], Ports = [Tcp(80, 90), Udp(53)] }],
                egress: [new() { To = [new() { IpBlock = new() { Cidr = "10.0.0.0/8", Except = ["10.244.0.0/16"] } }] }]));
        var rules = NetworkPolicyCompiler.Compile(state, [Pod("x/a"), Pod("x/b")]);

        var script = NetworkPolicyTable.Script("axl0", rules, null);

        Assert.Contains("elements = { 10.244.0.10 : jump in_0 }", script, StringComparison.Ordinal);
        Assert.Contains("elements = { 10.244.0.10 : jump out_0 }", script, StringComparison.Ordinal);
        Assert.Contains("ip saddr { 10.244.0.11 } meta l4proto tcp th dport { 80-90 } return", script, StringComparison.Ordinal);
        Assert.Contains("ip saddr { 10.244.0.11 } meta l4proto udp th dport { 53 } return", script, StringComparison.Ordinal);
        Assert.Contains("ip daddr { 10.0.0.0-10.243.255.255, 10.245.0.0-10.255.255.255 } return", script, StringComparison.Ordinal);
        Assert.Contains("ct state established,related accept\n    ip saddr vmap @egress\n    ip daddr vmap @ingress", script, StringComparison.Ordinal);
        Assert.DoesNotContain("in_1", script, StringComparison.Ordinal);
    }

    [Fact]
    public void Connections_the_relay_marked_for_a_pod_of_this_node_leave_with_that_pods_address()
    {
        var rules = NetworkPolicyCompiler.Compile(State(), [Pod("x/a"), Pod("y/b")]);

        var script = NetworkPolicyTable.Script("axl0", rules, null);

        // Every pod of the node, isolated or not: a pod elsewhere may isolate itself against any client.
        Assert.Contains("map relay_source {\n    type mark : ipv4_addr\n    elements = { 0x0ae1000a : 10.244.0.10, 0x0ae1010b : 10.244.1.11 }\n  }", script, StringComparison.Ordinal);
        Assert.Contains("type nat hook postrouting priority srcnat - 10; policy accept;\n    meta mark & 0xffff0000 == 0x0ae10000 meta l4proto tcp snat ip to meta mark map @relay_source\n"
            + "    meta mark & 0xffff0000 == 0x0ae10000 udp dport != 8472 snat ip to meta mark map @relay_source\n  }",
            script, StringComparison.Ordinal);
        // The VXLAN datagram that carries a marked packet inherits its mark: cleared once the translation is done.
        Assert.Contains("type filter hook postrouting priority srcnat + 10; policy accept;\n    meta mark & 0xffff0000 == 0x0ae10000 meta mark set 0\n", script, StringComparison.Ordinal);
        Assert.Contains("map relay_source {\n    type mark : ipv4_addr\n  }", NetworkPolicyTable.Script("axl0", [], null), StringComparison.Ordinal);
    }

    [Fact]
    public void Ranges_merge_and_excepts_cut_holes()
    {
        var merged = Ipv4Range.Merge([new(10, 20), new(21, 30), new(5, 12), new(40, 40)]);
        var cut = Ipv4Range.Subtract(Ipv4Range.FromCidr("10.0.0.0/24")!.Value, [Ipv4Range.FromCidr("10.0.0.0/25")!.Value, Ipv4Range.FromCidr("10.0.0.200/32")!.Value]);

        Assert.Equal(new[] { new Ipv4Range(5, 30), new Ipv4Range(40, 40) }, merged);
        Assert.Equal("10.0.0.128-10.0.0.199,10.0.0.201-10.0.0.255", string.Join(",", cut));
        Assert.Null(Ipv4Range.FromCidr("2001:db8::/32"));
        Assert.Equal("10.1.2.0-10.1.2.255", Ipv4Range.FromCidr("10.1.2.3/24")!.Value.ToString());
    }
}
