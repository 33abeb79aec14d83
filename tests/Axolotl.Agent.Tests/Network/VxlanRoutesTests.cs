using Axolotl.Agent.Network;

namespace Axolotl.Agent.Tests.Network;

public sealed class VxlanRoutesTests
{
    private static readonly VxlanRoutes.Peer[] Peers =
    [
        new("a", "10.244.0.0/24", "192.168.1.2", "02:00:00:00:00:0a"),
        new("b", "10.244.1.0/24", "192.168.2.3", "02:00:00:00:00:0b"),
        new("c", "10.244.2.0/24", "192.168.3.4", "02:00:00:00:00:0C"),
        // Shares this machine's address: its bridge is local.
        new("a-twin", "10.244.3.0/24", "192.168.1.2", "02:00:00:00:00:0a"),
        // Not ready for the overlay yet: no CIDR, no address, or no device MAC published.
        new("new", null, "192.168.4.5", "02:00:00:00:00:0d"),
        new("silent", "10.244.5.0/24", null, "02:00:00:00:00:0e"),
        new("no-device", "10.244.6.0/24", "192.168.6.7", null),
    ];

    [Fact]
    public void Every_other_node_on_another_address_gets_a_route_a_neighbour_and_a_forwarding_entry()
    {
        var desired = VxlanRoutes.Desired("a", "192.168.1.2", Peers);

        Assert.Equal(
        [
            new VxlanRoutes.Entry("10.244.1.0/24", "10.244.1.0", "02:00:00:00:00:0b", "192.168.2.3"),
            new VxlanRoutes.Entry("10.244.2.0/24", "10.244.2.0", "02:00:00:00:00:0c", "192.168.3.4"),
        ], desired);
    }

    [Theory]
    [InlineData("10.244.7.0/24\nroute del default", "192.168.7.8", "02:00:00:00:00:01")]
    [InlineData("10.244.7.0/24", "192.168.7.8 dev lo", "02:00:00:00:00:01")]
    [InlineData("10.244.7.0/24", "192.168.7.8\n", "02:00:00:00:00:01")]
    [InlineData("10.244.7.0/24", "192.168.7.8", "02:00:00:00:00:01 dev lo")]
    [InlineData("10.244.7.1/24", "192.168.7.8", "02:00:00:00:00:01")]
    [InlineData("10.244.7.0/33", "192.168.7.8", "02:00:00:00:00:01")]
    [InlineData("10.244.7.0/24", "0x0a.1.2.3", "02:00:00:00:00:01")]
    [InlineData("10.244.7.0/24", "::1", "02:00:00:00:00:01")]
    [InlineData("10.244.7.0/24", "192.168.7.8", "01:00:5e:00:00:01")]
    [InlineData("10.244.7.0/24", "192.168.7.8", "00:00:00:00:00:00")]
    [InlineData("10.244.7.0/24", "١٩٢.168.7.8", "02:00:00:00:00:01")]
    public void A_node_object_whose_cidr_address_or_mac_is_not_a_plain_value_is_left_out(string cidr, string ip, string mac)
    {
        Assert.Empty(VxlanRoutes.Desired("a", "192.168.1.2", [new VxlanRoutes.Peer("hostile", cidr, ip, mac)]));
    }

    [Fact]
    public void Commands_replace_what_differs_and_remove_what_no_node_needs_with_the_pod_gateway_as_source()
    {
        var installed = new VxlanRoutes.Installed(
            Routes: new Dictionary<string, string> { ["10.244.1.0/24"] = "10.244.1.0", ["10.244.9.0/24"] = "10.244.9.0" },
            Neighbours: new Dictionary<string, string> { ["10.244.1.0"] = "02:00:00:00:00:0b", ["10.244.9.0"] = "02:00:00:00:00:09" },
            Forwarding: new Dictionary<string, string> { ["02:00:00:00:00:0b"] = "192.168.2.99", ["02:00:00:00:00:09"] = "192.168.9.9" });
        var desired = VxlanRoutes.Desired("a", "192.168.1.2", Peers);

        Assert.Equal(
        [
            "route del 10.244.9.0/24 proto 147",
            "neigh del 10.244.9.0 dev axl.vxlan",
            "neigh replace 10.244.2.0 lladdr 02:00:00:00:00:0c dev axl.vxlan nud permanent",
            "route replace 10.244.2.0/24 via 10.244.2.0 dev axl.vxlan onlink src 10.244.0.1 proto 147",
        ], VxlanRoutes.IpCommands(installed, desired, "10.244.0.1"));
        Assert.Equal(
        [
            "fdb del 02:00:00:00:00:09 dev axl.vxlan dst 192.168.9.9",
            "fdb del 02:00:00:00:00:0b dev axl.vxlan dst 192.168.2.99",
            "fdb append 02:00:00:00:00:0b dev axl.vxlan dst 192.168.2.3 self permanent",
            "fdb append 02:00:00:00:00:0c dev axl.vxlan dst 192.168.3.4 self permanent",
        ], VxlanRoutes.FdbCommands(installed, desired));
    }

    [Fact]
    public void In_step_with_the_kernel_nothing_is_sent()
    {
        var desired = VxlanRoutes.Desired("a", "192.168.1.2", Peers);
        var installed = new VxlanRoutes.Installed(
            desired.ToDictionary(e => e.Cidr, e => e.NextHop), desired.ToDictionary(e => e.NextHop, e => e.Mac), desired.ToDictionary(e => e.Mac, e => e.Underlay));

        Assert.Empty(VxlanRoutes.IpCommands(installed, desired, "10.244.0.1"));
        Assert.Empty(VxlanRoutes.FdbCommands(installed, desired));
    }

    [Fact]
    public void The_kernel_listings_parse_into_routes_neighbours_and_forwarding_entries()
    {
        Assert.Equal(new Dictionary<string, string> { ["10.244.1.0/24"] = "10.244.1.0" },
            VxlanRoutes.ParseRoutes("10.244.1.0/24 via 10.244.1.0 dev axl.vxlan proto 147 src 10.244.0.1 onlink \n"));
        Assert.Equal(new Dictionary<string, string> { ["10.244.1.0"] = "02:00:00:00:00:0b" },
            VxlanRoutes.ParseNeighbours("10.244.1.0 lladdr 02:00:00:00:00:0b PERMANENT\n"));
        Assert.Equal(new Dictionary<string, string> { ["02:00:00:00:00:0b"] = "192.168.2.3" },
            VxlanRoutes.ParseForwarding("02:00:00:00:00:0b dst 192.168.2.3 self permanent\n"));
    }

    [Fact]
    public void A_device_made_for_another_address_or_vni_does_not_match()
    {
        const string Listing = "7: axl.vxlan: <BROADCAST,MULTICAST,UP> mtu 1450 ... \\    vxlan id 1 local 192.168.1.2 dev eth0 srcport 0 0 dstport 8472 nolearning ttl auto";
        Assert.True(VxlanDevice.Matches(Listing, "192.168.1.2"));
        Assert.False(VxlanDevice.Matches(Listing, "192.168.1.20"));
        Assert.False(VxlanDevice.Matches(Listing.Replace("vxlan id 1 ", "vxlan id 42 ", StringComparison.Ordinal), "192.168.1.2"));
    }

    [Theory]
    [InlineData(null, PodNetworkMode.HostGateway)]
    [InlineData("host-gw", PodNetworkMode.HostGateway)]
    [InlineData("vxlan", PodNetworkMode.Vxlan)]
    public void The_mode_flag_parses(string? text, PodNetworkMode mode) => Assert.Equal(mode, PodNetworkModes.Parse(text));

    [Fact]
    public void An_unknown_mode_is_refused_with_the_choices()
    {
        var e = Assert.Throws<ArgumentException>(() => PodNetworkModes.Parse("udp"));
        Assert.Contains("want host-gw or vxlan", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_filter_admits_exactly_the_nodes_plain_addresses_and_replaces_its_table_in_one_script()
    {
        var script = VxlanFilter.Script(["192.168.2.3", "192.168.1.2", "192.168.2.3", "1.2.3.4 }\nflush ruleset", "10"]);

        Assert.Contains("elements = { 192.168.1.2, 192.168.2.3 }\n", script, StringComparison.Ordinal);
        Assert.Contains("udp dport 8472 ip saddr != @nodes counter drop", script, StringComparison.Ordinal);
        Assert.DoesNotContain("flush", script, StringComparison.Ordinal);
        Assert.StartsWith("add table inet axolotl_vxlan\ndelete table inet axolotl_vxlan\ntable inet axolotl_vxlan {", script, StringComparison.Ordinal);
    }

    [Fact]
    public void With_no_node_known_yet_the_filter_drops_every_vxlan_datagram()
    {
        var script = VxlanFilter.Script([]);

        Assert.DoesNotContain("elements", script, StringComparison.Ordinal);
        Assert.Contains("udp dport 8472 ip saddr != @nodes counter drop", script, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.0.0.0/0")]
    [InlineData("192.168.1.0/24")]
    [InlineData("10.244.0.0/24")]
    [InlineData("10.244.0.0/20")]
    [InlineData("10.0.0.0/8")]
    public void A_well_formed_cidr_outside_the_cluster_or_over_this_nodes_own_is_not_routed(string cidr)
    {
        // "route replace 0.0.0.0/0 …" would take over the default route, the LAN's subnet its connected route.
        var desired = VxlanRoutes.Desired("a", "192.168.1.2", [new VxlanRoutes.Peer("greedy", cidr, "192.168.2.3", "02:00:00:00:00:0b")], "10.244.0.0/16", "10.244.0.0/24");

        Assert.Empty(desired);
    }

    [Fact]
    public void Of_two_nodes_claiming_one_cidr_or_one_mac_every_machine_keeps_the_first_by_name()
    {
        VxlanRoutes.Peer[] claimants =
        [
            new("d", "10.244.1.0/24", "192.168.2.5", "02:00:00:00:00:0d"),
            new("b", "10.244.1.0/24", "192.168.2.3", "02:00:00:00:00:0b"),
            new("c", "10.244.1.128/25", "192.168.2.4", "02:00:00:00:00:0c"),
            new("e", "10.244.4.0/24", "192.168.2.6", "02:00:00:00:00:0b"),
        ];

        var desired = VxlanRoutes.Desired("a", "192.168.1.2", claimants, "10.244.0.0/16", "10.244.0.0/24");

        Assert.Equal([new VxlanRoutes.Entry("10.244.1.0/24", "10.244.1.0", "02:00:00:00:00:0b", "192.168.2.3")], desired);
        Assert.Equal(desired, VxlanRoutes.Desired("a", "192.168.1.2", claimants.Reverse(), "10.244.0.0/16", "10.244.0.0/24"));
    }

    [Fact]
    public void Of_two_nodes_claiming_one_cidr_the_older_node_keeps_it_whatever_the_names()
    {
        var first = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        VxlanRoutes.Peer[] peers =
        [
            new("zz-original", "10.244.1.0/24", "192.168.2.3", "02:00:00:00:00:0b", first),
            new("aa-joined-later", "10.244.1.0/24", "192.168.2.9", "02:00:00:00:00:0c", first.AddHours(1)),
        ];

        var desired = VxlanRoutes.Desired("self", "192.168.1.2", peers, "10.244.0.0/16", "10.244.0.0/24");

        var entry = Assert.Single(desired);
        Assert.Equal("192.168.2.3", entry.Underlay);
        Assert.Equal(desired, VxlanRoutes.Desired("self", "192.168.1.2", peers.Reverse(), "10.244.0.0/16", "10.244.0.0/24"));
    }
}
