using System.Net;
using Axolotl.Proxy.Drain;
using Axolotl.Proxy.Routing;
using Axolotl.Proxy.Standby;
using Axolotl.Proxy.Tests.Standby;

namespace Axolotl.Proxy.Tests.Drain;

/// <summary>Which pods' listeners the agent holds (ADR 0030): this node's endpoints of kernel TCP Service ports only.</summary>
public sealed class HeldPortsTests
{
    private static RouteEndpoint Pod(string address, string pod, string node = "node-1", bool ready = true, bool terminating = false) =>
        new(new IPEndPoint(IPAddress.Parse(address), 8080), ready, Serving: ready || terminating, terminating, node, pod);

    private static HeldPort Held(string address, string pod) => new("default", pod, IPAddress.Parse(address), 8080);

    private static IReadOnlySet<HeldPort> Desired(RoutingSnapshot snapshot, ProxyMode mode = ProxyMode.Nftables) =>
        HeldPorts.Desired(snapshot, StandbyTable.KernelFrontends(snapshot, mode), "node-1");

    [Fact]
    public void This_nodes_endpoints_of_a_kernel_tcp_service_port_are_held_and_no_others()
    {
        var web = StandbySnapshots.Route("default", "web", "http", false,
            Pod("10.244.0.4", "web-a"), Pod("10.244.1.4", "web-b", node: "node-2"), Pod("10.244.0.5", "web-c", ready: false));
        var snapshot = StandbySnapshots.Build(("10.96.0.10:80", Transport.Tcp, FrontendKind.ClusterIP, web));

        Assert.Equal(new HashSet<HeldPort> { Held("10.244.0.4", "web-a"), Held("10.244.0.5", "web-c") }, Desired(snapshot));
    }

    [Fact]
    public void Nothing_is_held_in_relay_mode_behind_a_udp_port_or_for_an_endpoint_that_is_no_pod()
    {
        var web = StandbySnapshots.Route("default", "web", "http", false, Pod("10.244.0.4", "web-a"));
        Assert.Empty(Desired(StandbySnapshots.Build(("10.96.0.10:80", Transport.Tcp, FrontendKind.ClusterIP, web)), ProxyMode.Relay));

        var dns = StandbySnapshots.Route("default", "dns", "dns", false, Pod("10.244.0.4", "dns-a"));
        Assert.Empty(Desired(StandbySnapshots.Build(("10.96.0.53:53", Transport.Udp, FrontendKind.ClusterIP, dns))));

        var external = StandbySnapshots.Route("default", "ext", "http", false, StandbySnapshots.Ready("10.244.0.4", 8080));
        Assert.Empty(Desired(StandbySnapshots.Build(("10.96.0.11:80", Transport.Tcp, FrontendKind.ClusterIP, external))));
    }

    [Fact]
    public void A_terminating_pod_is_let_go_so_its_graceful_close_of_the_listener_is_not_undone()
    {
        var web = StandbySnapshots.Route("default", "web", "http", false, Pod("10.244.0.4", "web-a", ready: false, terminating: true), Pod("10.244.0.6", "web-d"));
        var snapshot = StandbySnapshots.Build(("10.96.0.10:80", Transport.Tcp, FrontendKind.ClusterIP, web));

        Assert.Equal(new HashSet<HeldPort> { Held("10.244.0.6", "web-d") }, Desired(snapshot));
    }

    [Fact]
    public void A_pod_behind_several_frontends_of_one_port_is_held_once()
    {
        var web = StandbySnapshots.Route("default", "web", "http", false, Pod("10.244.0.4", "web-a"));
        var snapshot = StandbySnapshots.Build(
            ("10.96.0.10:80", Transport.Tcp, FrontendKind.ClusterIP, web),
            ("192.168.1.5:30080", Transport.Tcp, FrontendKind.NodePort, web));

        Assert.Equal(new HashSet<HeldPort> { Held("10.244.0.4", "web-a") }, Desired(snapshot));
    }
}
