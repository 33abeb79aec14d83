using System.Net;
using Axolotl.Api.Core;
using Axolotl.Api.Discovery;
using Axolotl.Api.Meta;
using Axolotl.Api.Net;
using Axolotl.Proxy.Routing;

namespace Axolotl.Proxy.Tests;

public sealed class RoutingSnapshotBuilderTests
{
    private static readonly IPAddress NodeIp = IPAddress.Parse("192.0.2.2");

    private static readonly RoutingContext Context = new("node-1", Ipv4Cidr.Parse("10.96.0.0/16"),
        [IPAddress.Loopback, IPAddress.Parse("10.244.0.1")], ip => ip.Equals(NodeIp) || IPAddress.IsLoopback(ip));

    [Fact]
    public void A_cluster_ip_service_gets_its_vip_frontend_and_only_ready_endpoints()
    {
        var snapshot = RoutingSnapshotBuilder.Build([Service("web", "10.96.0.20")],
            [Slice("web", "http", 8080, Ep("10.244.0.3"), Ep("10.244.0.2"), Ep("10.244.0.4", ready: false))], Context);

        var name = new ServicePortName("default", "web", "http");
        var target = snapshot.Frontends[new Frontend(IPAddress.Parse("10.96.0.20"), 80)];
        Assert.Equal((name, FrontendKind.ClusterIP), (target.Service, target.Kind));
        Assert.Single(snapshot.Frontends);
        Assert.Equal([IPAddress.Parse("10.96.0.20")], snapshot.ClusterIps);
        var route = snapshot.Routes[name];
        Assert.Equal(["10.244.0.2:8080", "10.244.0.3:8080"], route.ClusterEndpoints.Select(e => e.EndPoint.ToString()));
        Assert.Equal(3, route.All.Count);
    }

    [Fact]
    public void Node_ports_listen_on_every_node_address_and_load_balancers_on_local_ingress_ips()
    {
        var service = Service("web", "10.96.0.20", type: "LoadBalancer", nodePort: 30080);
        service.Status = new ServiceStatus
        {
            LoadBalancer = new LoadBalancerStatus { Ingress = [new LoadBalancerIngress { Ip = "192.0.2.2" }, new LoadBalancerIngress { Ip = "198.51.100.9" }] },
        };

        var snapshot = RoutingSnapshotBuilder.Build([service], [], Context);

        Assert.Equal(
            ["10.244.0.1:30080 NodePort", "10.96.0.20:80 ClusterIP", "127.0.0.1:30080 NodePort", "192.0.2.2:80 LoadBalancer"],
            snapshot.Frontends.Select(f => $"{f.Key} {f.Value.Kind}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Without_ready_endpoints_the_serving_terminating_ones_are_used()
    {
        var snapshot = RoutingSnapshotBuilder.Build([Service("web", "10.96.0.20")],
            [Slice("web", "http", 8080, Ep("10.244.0.2", ready: false, serving: true, terminating: true), Ep("10.244.0.3", ready: false, serving: false, terminating: true))], Context);

        Assert.Equal(["10.244.0.2:8080"], snapshot.Routes.Values.Single().ClusterEndpoints.Select(e => e.EndPoint.ToString()));
    }

    [Fact]
    public void A_local_external_traffic_policy_keeps_node_port_traffic_on_this_node()
    {
        var service = Service("web", "10.96.0.20", type: "NodePort", nodePort: 30080);
        service.Spec!.ExternalTrafficPolicy = "Local";

        var route = RoutingSnapshotBuilder.Build([service],
            [Slice("web", "http", 8080, Ep("10.244.0.2"), Ep("10.244.1.2", node: "node-2"))], Context).Routes.Values.Single();

        Assert.Equal(["10.244.0.2:8080"], route.ExternalEndpoints.Select(e => e.EndPoint.ToString()));
        Assert.Equal(2, route.ClusterEndpoints.Count);
    }

    [Fact]
    public void Slices_count_for_the_port_of_the_same_name_and_a_duplicate_endpoint_once()
    {
        var service = Service("web", "10.96.0.20");
        service.Spec!.Ports = [new ServicePort { Name = "http", Port = 80, Protocol = "TCP" }, new ServicePort { Name = "metrics", Port = 81, Protocol = "TCP" }];

        var snapshot = RoutingSnapshotBuilder.Build([service],
        [
            Slice("web", "http", 8080, Ep("10.244.0.2", ready: false)),
            Slice("web", "http", 8080, Ep("10.244.0.2")),
            Slice("web", "metrics", 9100, Ep("10.244.0.3")),
            Slice("other", "http", 8080, Ep("10.244.0.9")),
        ], Context);

        var http = snapshot.Routes[new ServicePortName("default", "web", "http")];
        Assert.Equal("10.244.0.2:8080", Assert.Single(http.ClusterEndpoints).EndPoint.ToString());
        Assert.Equal("10.244.0.3:9100", Assert.Single(snapshot.Routes[new ServicePortName("default", "web", "metrics")].ClusterEndpoints).EndPoint.ToString());
    }

    [Fact]
    public void The_older_service_keeps_a_contested_frontend_and_the_conflict_is_reported()
    {
        var older = Service("old", "10.96.0.20", type: "NodePort", nodePort: 30080);
        var newer = Service("new", "10.96.0.21", type: "NodePort", nodePort: 30080);
        newer.Metadata.CreationTimestamp = older.Metadata.CreationTimestamp!.Value.AddMinutes(1);

        var snapshot = RoutingSnapshotBuilder.Build([newer, older], [], Context);

        Assert.Equal("old", snapshot.Frontends[new Frontend(IPAddress.Loopback, 30080)].Service.Name);
        Assert.Contains(snapshot.Conflicts, c => c.Contains("default/new:http wants 127.0.0.1:30080", StringComparison.Ordinal));
    }

    [Fact]
    public void External_names_sctp_ports_and_cluster_ips_outside_the_range_are_not_served()
    {
        var external = Service("ext", "");
        external.Spec!.Type = "ExternalName";
        // Refused at validation; one stored before that must still not be served as TCP.
        var sctp = Service("sig", "10.96.0.10");
        sctp.Spec!.Ports![0].Protocol = "SCTP";
        var outside = Service("far", "10.97.0.5");
        var headless = Service("db", "None");

        var snapshot = RoutingSnapshotBuilder.Build([external, sctp, outside, headless], [], Context);

        Assert.Empty(snapshot.Frontends);
        Assert.Empty(snapshot.ClusterIps);
        Assert.Contains(snapshot.Conflicts, c => c.Contains("outside the service CIDR", StringComparison.Ordinal));
        Assert.Equal(["default/db:http", "default/far:http"], snapshot.Routes.Keys.Select(k => k.ToString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Udp_ports_get_udp_frontends_beside_tcp_ones_on_the_same_number_and_their_own_endpoints()
    {
        var service = Service("dns", "10.96.0.10", type: "NodePort");
        service.Spec!.Ports =
        [
            new ServicePort { Name = "dns", Port = 53, Protocol = "UDP", TargetPort = 5353, NodePort = 30053 },
            new ServicePort { Name = "dns-tcp", Port = 53, Protocol = "TCP", TargetPort = 5353, NodePort = 30053 },
        ];
        var udpSlice = Slice("dns", "dns", 5353, Ep("10.244.0.2"));
        udpSlice.Ports![0].Protocol = "UDP";
        var tcpSlice = Slice("dns", "dns-tcp", 5353, Ep("10.244.0.3"));
        tcpSlice.Metadata.Name = "dns-y";

        var snapshot = RoutingSnapshotBuilder.Build([service], [udpSlice, tcpSlice], Context);

        Assert.Equal(
            ["10.244.0.1:30053 NodePort", "10.244.0.1:30053/UDP NodePort", "10.96.0.10:53 ClusterIP", "10.96.0.10:53/UDP ClusterIP", "127.0.0.1:30053 NodePort", "127.0.0.1:30053/UDP NodePort"],
            snapshot.Frontends.Select(f => $"{f.Key} {f.Value.Kind}").Order(StringComparer.Ordinal));
        Assert.Equal(["10.244.0.2:5353"], snapshot.Routes[new ServicePortName("default", "dns", "dns")].ClusterEndpoints.Select(e => e.EndPoint.ToString()));
        Assert.Equal(["10.244.0.3:5353"], snapshot.Routes[new ServicePortName("default", "dns", "dns-tcp")].ClusterEndpoints.Select(e => e.EndPoint.ToString()));
        Assert.Empty(snapshot.Conflicts);
    }

    [Fact]
    public void Client_ip_affinity_carries_its_timeout_into_the_route()
    {
        var sticky = Service("sticky", "10.96.0.21");
        sticky.Spec!.SessionAffinity = "ClientIP";
        sticky.Spec.SessionAffinityConfig = new SessionAffinityConfig { ClientIP = new ClientIPConfig { TimeoutSeconds = 60 } };
        var plain = Service("plain", "10.96.0.22");

        var snapshot = RoutingSnapshotBuilder.Build([sticky, plain], [], Context);

        Assert.Equal(TimeSpan.FromSeconds(60), snapshot.Routes[new ServicePortName("default", "sticky", "http")].AffinityTimeout);
        Assert.Null(snapshot.Routes[new ServicePortName("default", "plain", "http")].AffinityTimeout);
    }

    private static Service Service(string name, string clusterIp, string type = "ClusterIP", int? nodePort = null) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = "default", CreationTimestamp = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero) },
        Spec = new ServiceSpec
        {
            Type = type,
            ClusterIP = clusterIp,
            Ports = [new ServicePort { Name = "http", Port = 80, Protocol = "TCP", TargetPort = 8080, NodePort = nodePort }],
        },
    };

    private static EndpointSlice Slice(string service, string portName, int port, params Endpoint[] endpoints) => new()
    {
        Metadata = new ObjectMeta { Name = $"{service}-x", Namespace = "default", Labels = new() { ["kubernetes.io/service-name"] = service } },
        AddressType = "IPv4",
        Ports = [new Api.Discovery.EndpointPort { Name = portName, Port = port, Protocol = "TCP" }],
        Endpoints = [.. endpoints],
    };

    private static Endpoint Ep(string ip, bool ready = true, bool? serving = null, bool terminating = false, string node = "node-1") => new()
    {
        Addresses = [ip],
        NodeName = node,
        Conditions = new EndpointConditions { Ready = ready, Serving = serving ?? ready, Terminating = terminating },
    };
}
