using System.Net;
using Axolotl.Api.Net;
using Axolotl.Proxy.Routing;
using Axolotl.Proxy.Standby;
using Microsoft.Extensions.Logging.Abstractions;
using static Axolotl.Proxy.Tests.Standby.StandbySnapshots;

namespace Axolotl.Proxy.Tests.Standby;

/// <summary>The service table in `--proxy-mode nftables` (ADR 0030), against the same snapshots as relay mode's standby table.</summary>
public sealed class KernelTableTests
{
    private static readonly Ipv4Cidr Pods = Ipv4Cidr.Parse("10.244.0.0/16");

    [Fact]
    public void In_nftables_mode_every_eligible_frontend_is_dnated_outright_also_for_the_nodes_own_clients_and_masqueraded_as_kube_proxy_does()
    {
        var web = Route("shop", "web", "http", externalLocal: false, Ready("10.244.0.7", 8080), Ready("10.244.0.3", 8080), NotReady("10.244.0.9", 8080));
        var local = Route("shop", "edge", "", externalLocal: true, Ready("10.244.0.5", 8443));
        var sticky = new ServiceRoute(new ServicePortName("shop", "cart", ""), [Ready("10.244.0.8", 9000)], "node-1", internalLocal: false, externalLocal: false,
            affinityTimeout: TimeSpan.FromHours(3));
        var snapshot = Build(
            ("10.96.0.20:80", Transport.Tcp, FrontendKind.ClusterIP, web),
            ("192.0.2.2:30080", Transport.Tcp, FrontendKind.NodePort, web),
            ("127.0.0.1:30080", Transport.Tcp, FrontendKind.NodePort, web),
            ("192.0.2.2:30443", Transport.Tcp, FrontendKind.NodePort, local),
            ("10.96.0.30:9000", Transport.Tcp, FrontendKind.ClusterIP, sticky),
            ("10.96.0.20:53", Transport.Udp, FrontendKind.ClusterIP, web));

        var script = StandbyTable.Script("axolotl_standby_axl0", snapshot, ProxyMode.Nftables, Pods);

        Assert.Equal("""
            add table ip axolotl_standby_axl0
            delete table ip axolotl_standby_axl0
            table ip axolotl_standby_axl0 {
              map frontends {
                type ipv4_addr . inet_service : verdict
                elements = { 10.96.0.30 . 9000 : jump ep_0, 192.0.2.2 . 30443 : jump ep_1, 10.96.0.20 . 80 : jump ep_2, 192.0.2.2 . 30080 : jump ep_3 }
              }
              chain prerouting {
                type nat hook prerouting priority dstnat - 5; policy accept;
                ip daddr . tcp dport vmap @frontends
                ip daddr . udp dport vmap @udp_frontends
              }
              map udp_frontends {
                type ipv4_addr . inet_service : verdict
                elements = { 10.96.0.20 . 53 : jump ep_4 }
              }
              map local_frontends {
                type ipv4_addr . inet_service : verdict
                elements = { 10.96.0.30 . 9000 : jump ep_0, 192.0.2.2 . 30443 : jump ep_1, 10.96.0.20 . 80 : jump ep_2, 192.0.2.2 . 30080 : jump ep_3 }
              }
              map udp_local_frontends {
                type ipv4_addr . inet_service : verdict
                elements = { 10.96.0.20 . 53 : jump ep_4 }
              }
              chain output {
                type nat hook output priority -105; policy accept;
                ip daddr . tcp dport vmap @local_frontends
                ip daddr . udp dport vmap @udp_local_frontends
              }
              set hairpin {
                type ipv4_addr . ipv4_addr
                elements = { 10.244.0.3 . 10.244.0.3, 10.244.0.5 . 10.244.0.5, 10.244.0.7 . 10.244.0.7, 10.244.0.8 . 10.244.0.8 }
              }
              set refusing_new {
                type ipv4_addr . inet_service
                flags dynamic,timeout
                timeout 2s
                size 65536
              }
              set refusing {
                type ipv4_addr . inet_service
                flags dynamic,timeout
                timeout 10s
                size 65536
              }
              chain refusals {
                type filter hook prerouting priority mangle; policy accept;
                tcp flags & (syn | rst) == rst ct direction reply ct status & (dnat | assured) == dnat ip saddr 10.244.0.0/16 goto refused
              }
              chain refused {
                ip saddr . tcp sport @refusing_new update @refusing { ip saddr . tcp sport } counter drop
                ip saddr . tcp sport @refusing update @refusing { ip saddr . tcp sport } counter accept
                add @refusing_new { ip saddr . tcp sport } update @refusing { ip saddr . tcp sport } counter drop
              }
              chain postrouting {
                type nat hook postrouting priority srcnat - 5; policy accept;
                ct mark and 0x00100000 == 0x00100000 masquerade fully-random
                ct status dnat ip saddr . ip daddr @hairpin masquerade fully-random
              }
              chain ep_0 {
                # shop/cart (cluster) kernel
                ip saddr != 10.244.0.0/16 ct mark set ct mark or 0x00100000
                fib saddr type local ct mark set ct mark or 0x00100000
                counter
                goto pick_0
              }
              chain pick_0 {
                ip saddr @aff_0_0af40008_9000 goto aep_0_0af40008_9000
                numgen random mod 1 vmap { 0 : goto aep_0_0af40008_9000 }
              }
              set aff_0_0af40008_9000 {
                type ipv4_addr
                flags dynamic,timeout
                timeout 10800s
              }
              chain aep_0_0af40008_9000 {
                update @aff_0_0af40008_9000 { ip saddr }
                meta l4proto tcp dnat ip to 10.244.0.8:9000
              }
              chain ep_1 {
                # shop/edge (external) kernel
                fib saddr type local ct mark set ct mark or 0x00100000
                counter
                goto pick_1
              }
              chain pick_1 {
                meta l4proto tcp dnat ip to numgen random mod 1 map { 0 : 10.244.0.5 . 8443 }
              }
              chain ep_2 {
                # shop/web:http (cluster) kernel
                ip saddr != 10.244.0.0/16 ct mark set ct mark or 0x00100000
                fib saddr type local ct mark set ct mark or 0x00100000
                counter
                goto pick_2
              }
              chain pick_2 {
                meta l4proto tcp dnat ip to numgen random mod 2 map { 0 : 10.244.0.3 . 8080, 1 : 10.244.0.7 . 8080 }
              }
              chain ep_3 {
                # shop/web:http (external) kernel
                ct mark set ct mark or 0x00100000
                counter
                goto pick_3
              }
              chain pick_3 {
                meta l4proto tcp dnat ip to numgen random mod 2 map { 0 : 10.244.0.3 . 8080, 1 : 10.244.0.7 . 8080 }
              }
              chain ep_4 {
                # shop/web:http (cluster) kernel
                ip saddr != 10.244.0.0/16 ct mark set ct mark or 0x00100000
                fib saddr type local ct mark set ct mark or 0x00100000
                counter
                goto pick_4
              }
              chain pick_4 {
                meta l4proto udp dnat ip to numgen random mod 2 map { 0 : 10.244.0.3 . 8080, 1 : 10.244.0.7 . 8080 }
              }
            }

            """.ReplaceLineEndings("\n"), script);
    }

    [Fact]
    public void The_relay_keeps_loopback_node_ports_while_the_kernel_takes_the_rest_client_ip_affinity_and_udp_included()
    {
        var web = Route("shop", "web", "", externalLocal: false, Ready("10.244.0.7", 8080));
        var sticky = new ServiceRoute(new ServicePortName("shop", "cart", ""), [Ready("10.244.0.8", 9000)], "node-1", internalLocal: false, externalLocal: false,
            affinityTimeout: TimeSpan.FromSeconds(60));
        var snapshot = Build(
            ("10.96.0.20:80", Transport.Tcp, FrontendKind.ClusterIP, web),
            ("127.0.0.1:30080", Transport.Tcp, FrontendKind.NodePort, web),
            ("10.96.0.20:80", Transport.Udp, FrontendKind.ClusterIP, web),
            ("10.96.0.30:9000", Transport.Tcp, FrontendKind.ClusterIP, sticky),
            ("10.96.0.30:9001", Transport.Udp, FrontendKind.ClusterIP, sticky));

        Assert.Equal([new Frontend(IPAddress.Parse("10.96.0.30"), 9000), new Frontend(IPAddress.Parse("10.96.0.30"), 9001, Transport.Udp),
                new Frontend(IPAddress.Parse("10.96.0.20"), 80), new Frontend(IPAddress.Parse("10.96.0.20"), 80, Transport.Udp)],
            StandbyTable.KernelFrontends(snapshot, ProxyMode.Nftables));
        Assert.Empty(StandbyTable.KernelFrontends(snapshot, ProxyMode.Relay));
    }

    [Fact]
    public void Relay_mode_writes_no_output_hook_and_no_hairpin_rule()
    {
        var web = Route("shop", "web", "", externalLocal: false, Ready("10.244.0.7", 8080));
        var snapshot = Build(("10.96.0.20:80", Transport.Tcp, FrontendKind.ClusterIP, web));

        var script = StandbyTable.Script("t", snapshot, ProxyMode.Relay, Pods);

        Assert.DoesNotContain("hook output", script, StringComparison.Ordinal);
        Assert.DoesNotContain("hairpin", script, StringComparison.Ordinal);
        Assert.Contains("socket wildcard 0 accept", script, StringComparison.Ordinal);
        Assert.Equal(StandbyTable.Script("t", snapshot), script);
    }

    [Fact]
    public void Without_a_cluster_cidr_every_client_of_a_cluster_ip_is_masqueraded()
    {
        var web = Route("shop", "web", "", externalLocal: false, Ready("10.244.0.7", 8080));
        var snapshot = Build(("10.96.0.20:80", Transport.Tcp, FrontendKind.ClusterIP, web));

        var script = StandbyTable.Script("t", snapshot, ProxyMode.Nftables);

        Assert.Contains("    ct mark set ct mark or 0x00100000\n    fib saddr type local", script, StringComparison.Ordinal);
        Assert.DoesNotContain("ip saddr !=", script, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_the_pod_bridge_known_only_a_connection_to_another_nodes_pod_is_masqueraded_and_the_writer_keeps_it_across_changes()
    {
        string? written = null;
        var writer = new StandbyTableWriter("t", NullLogger.Instance, (script, _) => { written = script; return Task.FromResult((0, "")); })
        {
            Mode = ProxyMode.Nftables,
            ClusterCidr = Pods,
            LocalEndpointsVia = "axlb7",
        };
        var web = Route("shop", "web", "", externalLocal: false, Ready("10.244.0.7", 8080));

        Assert.True(await writer.WriteAsync(Build(("192.0.2.2:30080", Transport.Tcp, FrontendKind.NodePort, web)), CancellationToken.None));

        // Marked as before (externalTrafficPolicy Cluster); postrouting masquerades only what leaves by another interface.
        Assert.Contains("    ct mark and 0x00100000 == 0x00100000 oifname != \"axlb7\" masquerade fully-random\n", written, StringComparison.Ordinal);
        Assert.DoesNotContain("0x00100000 masquerade", written, StringComparison.Ordinal);
        var kubeProxy = StandbyTable.Script("t", Build(("192.0.2.2:30080", Transport.Tcp, FrontendKind.NodePort, web)), ProxyMode.Nftables, Pods);
        Assert.Contains("    ct mark and 0x00100000 == 0x00100000 masquerade fully-random\n", kubeProxy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_relay_is_told_which_frontends_the_kernel_serves_only_while_the_table_is_installed()
    {
        var refuse = false;
        var writer = new StandbyTableWriter("t", NullLogger.Instance, (_, _) => Task.FromResult(refuse ? (1, "Error: Could not process rule") : (0, "")))
        {
            Mode = ProxyMode.Nftables,
            ClusterCidr = Pods,
        };
        var web = Route("shop", "web", "", externalLocal: false, Ready("10.244.0.7", 8080));
        var first = Build(("10.96.0.20:80", Transport.Tcp, FrontendKind.ClusterIP, web));
        var second = Build(("10.96.0.20:80", Transport.Tcp, FrontendKind.ClusterIP, web), ("10.96.0.21:80", Transport.Tcp, FrontendKind.ClusterIP, web));
        Assert.Empty(writer.KernelFrontends);

        Assert.True(await writer.WriteAsync(first, CancellationToken.None));
        Assert.Equal([new Frontend(IPAddress.Parse("10.96.0.20"), 80)], writer.KernelFrontends);

        refuse = true;
        Assert.False(await writer.WriteAsync(second, CancellationToken.None));
        Assert.Empty(writer.KernelFrontends);

        refuse = false;
        Assert.True(await writer.WriteAsync(second, CancellationToken.None));
        Assert.Equal(2, writer.KernelFrontends.Count);
    }
}
