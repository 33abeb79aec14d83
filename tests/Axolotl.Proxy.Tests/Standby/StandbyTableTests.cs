using Axolotl.Proxy.Routing;
using Axolotl.Proxy.Standby;
using static Axolotl.Proxy.Tests.Standby.StandbySnapshots;

namespace Axolotl.Proxy.Tests.Standby;

public sealed class StandbyTableTests
{
    [Fact]
    public void A_node_port_service_is_dnated_to_its_ready_endpoints_only_when_no_relay_socket_takes_the_connection()
    {
        var web = Route("shop", "web", "http", externalLocal: false, Ready("10.244.0.7", 8080), Ready("10.244.0.3", 8080), NotReady("10.244.0.9", 8080));
        var snapshot = Build(
            ("10.96.0.20:80", Transport.Tcp, FrontendKind.ClusterIP, web),
            ("10.244.0.1:30080", Transport.Tcp, FrontendKind.NodePort, web),
            ("192.0.2.2:30080", Transport.Tcp, FrontendKind.NodePort, web),
            ("127.0.0.1:30080", Transport.Tcp, FrontendKind.NodePort, web));

        var script = StandbyTable.Script("axolotl_standby_axl0", snapshot);

        Assert.Equal("""
            add table ip axolotl_standby_axl0
            delete table ip axolotl_standby_axl0
            table ip axolotl_standby_axl0 {
              map frontends {
                type ipv4_addr . inet_service : verdict
                elements = { 10.96.0.20 . 80 : jump ep_0, 10.244.0.1 . 30080 : jump ep_1, 192.0.2.2 . 30080 : jump ep_1 }
              }
              chain prerouting {
                type nat hook prerouting priority dstnat - 5; policy accept;
                ip daddr . tcp dport vmap @frontends
              }
              set relay_frontends {
                type ipv4_addr . inet_service
                elements = { 10.96.0.20 . 80, 10.244.0.1 . 30080, 192.0.2.2 . 30080 }
              }
              ct timeout relay_flow {
                protocol tcp
                l3proto ip
                policy = { close : 0 }
              }
              chain relay_flows {
                type filter hook prerouting priority mangle; policy accept;
                ct state new ip daddr . tcp dport @relay_frontends socket wildcard 0 counter ct timeout set "relay_flow"
              }
              chain postrouting {
                type nat hook postrouting priority srcnat - 5; policy accept;
                ct mark and 0x00100000 == 0x00100000 masquerade
              }
              chain ep_0 {
                # shop/web:http (cluster)
                socket wildcard 0 accept
                ct mark set ct mark or 0x00100000
                goto pick_0
              }
              chain pick_0 {
                meta l4proto tcp dnat ip to numgen random mod 2 map { 0 : 10.244.0.3 . 8080, 1 : 10.244.0.7 . 8080 }
              }
              chain ep_1 {
                # shop/web:http (external)
                socket wildcard 0 accept
                ct mark set ct mark or 0x00100000
                goto pick_1
              }
              chain pick_1 {
                meta l4proto tcp dnat ip to numgen random mod 2 map { 0 : 10.244.0.3 . 8080, 1 : 10.244.0.7 . 8080 }
              }
            }

            """.ReplaceLineEndings("\n"), script);
    }

    [Fact]
    public void A_service_port_without_a_usable_endpoint_gets_no_rule_so_its_connections_are_refused_as_by_the_relay()
    {
        var empty = Route("shop", "db", "", externalLocal: false, NotReady("10.244.0.9", 5432));
        var snapshot = Build(("10.96.0.30:5432", Transport.Tcp, FrontendKind.ClusterIP, empty));

        var script = StandbyTable.Script("t", snapshot);

        Assert.DoesNotContain("jump", script, StringComparison.Ordinal);
        Assert.Contains("  map frontends {\n    type ipv4_addr . inet_service : verdict\n  }\n", script, StringComparison.Ordinal);
        Assert.Empty(StandbyTable.Frontends(snapshot));
    }

    [Fact]
    public void Udp_and_loopback_frontends_are_left_to_the_relay()
    {
        var dns = Route("kube-system", "dns", "dns", externalLocal: false, Ready("10.244.0.5", 53));
        var web = Route("shop", "web", "", externalLocal: false, Ready("10.244.0.5", 80));
        var snapshot = Build(
            ("10.96.0.10:53", Transport.Udp, FrontendKind.ClusterIP, dns),
            ("127.0.0.1:30081", Transport.Tcp, FrontendKind.NodePort, web));

        Assert.Empty(StandbyTable.Frontends(snapshot));
        Assert.DoesNotContain("10.96.0.10", StandbyTable.Script("t", snapshot), StringComparison.Ordinal);
    }

    [Fact]
    public void A_local_external_traffic_policy_sends_node_port_standby_traffic_to_this_nodes_endpoints_only()
    {
        var web = Route("shop", "web", "", externalLocal: true, Ready("10.244.1.4", 8080, node: "node-2"), Ready("10.244.0.4", 8080));
        var snapshot = Build(
            ("10.96.0.20:80", Transport.Tcp, FrontendKind.ClusterIP, web),
            ("10.244.0.1:30080", Transport.Tcp, FrontendKind.NodePort, web));

        var script = StandbyTable.Script("t", snapshot);

        Assert.Contains("# shop/web (cluster)\n    socket wildcard 0 accept\n    ct mark set ct mark or 0x00100000\n    goto pick_0\n  }\n  chain pick_0 {\n" +
            "    meta l4proto tcp dnat ip to numgen random mod 2 map { 0 : 10.244.0.4 . 8080, 1 : 10.244.1.4 . 8080 }", script, StringComparison.Ordinal);
        Assert.Contains("# shop/web (external)\n    socket wildcard 0 accept\n    ct mark set ct mark or 0x00100000\n    goto pick_1\n  }\n  chain pick_1 {\n" +
            "    meta l4proto tcp dnat ip to numgen random mod 1 map { 0 : 10.244.0.4 . 8080 }", script, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_routing_gives_the_same_text_whatever_order_the_snapshot_lists_it_in()
    {
        var a = Route("a", "one", "", externalLocal: false, Ready("10.244.0.2", 80), Ready("10.244.0.3", 80));
        var b = Route("b", "two", "", externalLocal: false, Ready("10.244.0.4", 80));
        var forward = Build(("10.96.0.2:80", Transport.Tcp, FrontendKind.ClusterIP, a), ("10.96.0.3:80", Transport.Tcp, FrontendKind.ClusterIP, b));
        var backward = Build(("10.96.0.3:80", Transport.Tcp, FrontendKind.ClusterIP, b),
            ("10.96.0.2:80", Transport.Tcp, FrontendKind.ClusterIP, Route("a", "one", "", externalLocal: false, Ready("10.244.0.3", 80), Ready("10.244.0.2", 80))));

        Assert.Equal(StandbyTable.Script("t", forward), StandbyTable.Script("t", backward));
    }

    [Theory]
    [InlineData("axl0", "ip axolotl_standby_axl0")]
    [InlineData("axle42", "ip axolotl_standby_axle42")]
    [InlineData("br-x.1", "ip axolotl_standby_")]
    public void The_table_is_named_after_the_nodes_bridge(string bridge, string expectedPrefix)
    {
        var name = StandbyTable.QualifiedTableName(bridge);
        Assert.StartsWith(expectedPrefix, name, StringComparison.Ordinal);
        Assert.Matches("^ip axolotl_standby_[A-Za-z0-9_]+$", name);
    }
}
