using System.Net;
using Axolotl.Proxy.Ingress;
using Axolotl.Proxy.Routing;

namespace Axolotl.Proxy.Tests.Ingress;

public sealed class IngressListenPlanTests
{
    private static readonly IPAddress NodeIp = IPAddress.Parse("192.168.1.10");
    private static readonly IPAddress Gateway = IPAddress.Parse("10.244.0.1");

    private static RoutingSnapshot Snapshot(IReadOnlyList<IPAddress> nodeAddresses, params (Frontend Frontend, string Service, FrontendKind Kind)[] frontends) =>
        new(new Dictionary<ServicePortName, ServiceRoute>(),
            frontends.ToDictionary(f => f.Frontend, f => new FrontendTarget(new ServicePortName("default", f.Service, ""), f.Kind)), new HashSet<IPAddress>(), [])
        {
            NodeAddresses = nodeAddresses,
        };

    private static IngressEndpoint Http(IPAddress address, int port = 80) => new(address, port, Tls: false);

    private static IngressEndpoint Https(IPAddress address, int port = 443) => new(address, port, Tls: true);

    [Fact]
    public void Both_ports_listen_on_loopback_and_each_node_address_and_never_on_the_wildcard()
    {
        var plan = IngressListenPlan.For(Snapshot([IPAddress.Loopback, Gateway, NodeIp, IPAddress.Any]), 80, 443);

        Assert.Equal(
            new HashSet<IngressEndpoint> { Http(IPAddress.Loopback), Https(IPAddress.Loopback), Http(Gateway), Https(Gateway), Http(NodeIp), Https(NodeIp) },
            plan.Endpoints);
        Assert.Empty(plan.LeftToServices);
    }

    [Fact]
    public void Before_the_proxy_knows_the_node_addresses_loopback_alone_is_served()
    {
        var plan = IngressListenPlan.For(RoutingSnapshot.Empty, 80, 443);

        Assert.Equal(new HashSet<IngressEndpoint> { Http(IPAddress.Loopback), Https(IPAddress.Loopback) }, plan.Endpoints);
    }

    [Fact]
    public void A_port_set_to_zero_is_not_served_and_a_moved_port_is()
    {
        var plan = IngressListenPlan.For(Snapshot([NodeIp]), 8080, 0);

        Assert.Equal(new HashSet<IngressEndpoint> { Http(IPAddress.Loopback, 8080), Http(NodeIp, 8080) }, plan.Endpoints);
    }

    [Fact]
    public void A_service_frontend_on_a_node_address_keeps_it_and_cluster_ips_on_the_same_port_do_not_matter()
    {
        var clusterIp = IPAddress.Parse("10.96.0.20");
        var plan = IngressListenPlan.For(Snapshot([NodeIp],
            (new Frontend(clusterIp, 80), "web", FrontendKind.ClusterIP),
            (new Frontend(NodeIp, 443), "edge", FrontendKind.LoadBalancer),
            (new Frontend(NodeIp, 80, Transport.Udp), "udp-80", FrontendKind.LoadBalancer)), 80, 443);

        Assert.Equal(new HashSet<IngressEndpoint> { Http(IPAddress.Loopback), Https(IPAddress.Loopback), Http(NodeIp) }, plan.Endpoints);
        Assert.Equal(new ServicePortName("default", "edge", ""), Assert.Single(plan.LeftToServices, p => p.Key == Https(NodeIp)).Value);
        Assert.Single(plan.LeftToServices);
    }
}
