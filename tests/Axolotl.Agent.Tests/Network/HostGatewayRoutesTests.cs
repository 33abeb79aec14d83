using Axolotl.Agent.Network;

namespace Axolotl.Agent.Tests.Network;

public sealed class HostGatewayRoutesTests
{
    private static readonly HostGatewayRoutes.Peer[] Peers =
    [
        new("a", "10.244.0.0/24", "192.168.77.2"),
        new("b", "10.244.1.0/24", "192.168.77.3"),
        new("c", "10.244.2.0/24", "192.168.77.4"),
        // Shares this machine's address: its bridge is local, a connected route already.
        new("a-twin", "10.244.3.0/24", "192.168.77.2"),
        // Not assigned yet, or not reported yet.
        new("new", "", "192.168.77.9"),
        new("silent", "10.244.5.0/24", ""),
    ];

    [Fact]
    public void Every_other_node_on_another_address_is_routed_via_its_internal_ip()
    {
        var desired = HostGatewayRoutes.Desired("a", "192.168.77.2", Peers);

        Assert.Equal(new Dictionary<string, string> { ["10.244.1.0/24"] = "192.168.77.3", ["10.244.2.0/24"] = "192.168.77.4" }, desired);
    }

    [Fact]
    public void Commands_add_missing_routes_fix_moved_ones_and_drop_those_of_deleted_nodes_with_the_pod_gateway_as_source()
    {
        var installed = new Dictionary<string, string>
        {
            ["10.244.1.0/24"] = "192.168.77.3",
            ["10.244.2.0/24"] = "192.168.77.40",
            ["10.244.9.0/24"] = "192.168.77.9",
        };
        var desired = new Dictionary<string, string>
        {
            ["10.244.1.0/24"] = "192.168.77.3",
            ["10.244.2.0/24"] = "192.168.77.4",
            ["10.244.4.0/24"] = "192.168.77.5",
        };

        var commands = HostGatewayRoutes.Commands(installed, desired, "10.244.0.1");

        Assert.Equal(
        [
            "route del 10.244.9.0/24 proto 147",
            "route replace 10.244.2.0/24 via 192.168.77.4 src 10.244.0.1 proto 147",
            "route replace 10.244.4.0/24 via 192.168.77.5 src 10.244.0.1 proto 147",
        ], commands);
        Assert.Empty(HostGatewayRoutes.Commands(desired, desired, "10.244.0.1"));
    }

    [Fact]
    public void The_kernels_listing_is_read_back_as_destination_and_gateway()
    {
        const string listing = """
            10.244.1.0/24 via 192.168.77.3 dev eth0 proto 147 src 10.244.0.1
            10.244.2.0/24 via 192.168.77.4 dev eth0 proto 147 src 10.244.0.1 linkdown
            10.244.7.7 via 192.168.77.8 dev eth0 proto 147
            """;

        var installed = HostGatewayRoutes.ParseInstalled(listing);

        Assert.Equal(new Dictionary<string, string>
        {
            ["10.244.1.0/24"] = "192.168.77.3",
            ["10.244.2.0/24"] = "192.168.77.4",
            ["10.244.7.7/32"] = "192.168.77.8",
        }, installed);
    }

    [Theory]
    [InlineData("10.244.7.0/24\nroute del default", "192.168.77.8")]
    [InlineData("10.244.7.0/24", "192.168.77.8\nroute del default")]
    [InlineData("10.244.7.0/24", "192.168.77.8 dev lo")]
    [InlineData("10.244.7.5/24", "192.168.77.8")]
    [InlineData("10.244.7.0/24", "10")]
    public void A_node_object_whose_cidr_or_address_is_not_a_plain_ipv4_value_gets_no_route(string cidr, string ip)
    {
        Assert.Empty(HostGatewayRoutes.Desired("a", "192.168.77.2", [new HostGatewayRoutes.Peer("hostile", cidr, ip)]));
    }

    [Fact]
    public void Well_formed_cidrs_outside_the_cluster_over_this_nodes_own_or_over_another_nodes_are_not_routed()
    {
        HostGatewayRoutes.Peer[] peers =
        [
            new("b", "10.244.1.0/24", "192.168.77.3"),
            new("default-route", "0.0.0.0/0", "192.168.77.4"),
            new("lan", "192.168.77.0/24", "192.168.77.5"),
            new("self-cidr", "10.244.0.0/24", "192.168.77.6"),
            new("copycat", "10.244.1.0/25", "192.168.77.7"),
        ];

        var desired = HostGatewayRoutes.Desired("a", "192.168.77.2", peers, "10.244.0.0/16", "10.244.0.0/24");

        Assert.Equal(new Dictionary<string, string> { ["10.244.1.0/24"] = "192.168.77.3" }, desired);
    }

    [Fact]
    public void Of_two_nodes_claiming_one_cidr_the_older_node_keeps_it_whatever_the_names()
    {
        var first = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        HostGatewayRoutes.Peer[] peers =
        [
            new("zz-original", "10.244.1.0/24", "192.168.77.3", first),
            new("aa-joined-later", "10.244.1.0/24", "192.168.77.9", first.AddHours(1)),
        ];

        var desired = HostGatewayRoutes.Desired("self", "192.168.77.2", peers, "10.244.0.0/16", "10.244.0.0/24");
        var reversed = HostGatewayRoutes.Desired("self", "192.168.77.2", peers.Reverse(), "10.244.0.0/16", "10.244.0.0/24");

        Assert.Equal(new Dictionary<string, string> { ["10.244.1.0/24"] = "192.168.77.3" }, desired);
        Assert.Equal(desired, reversed);
    }
}
