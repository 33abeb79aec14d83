using System.Net;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Net;
using Axolotl.Proxy.Routing;
using Axolotl.Testing;

namespace Axolotl.Proxy.Tests;

public sealed class HostPortRoutesTests
{
    private static readonly RoutingContext Context = new("node-1", Ipv4Cidr.Parse("10.96.0.0/16"),
        [IPAddress.Loopback, IPAddress.Parse("10.244.0.1")], IPAddress.IsLoopback);

    private static Pod PodWith(ContainerPort port, string phase = "Running", bool hostNetwork = false) =>
        PodBuilder.Named("web", "ns").OnNode("node-1").WithSpec(s => s.HostNetwork = hostNetwork).WithContainer("c", configure: c => c.Ports = [port])
            .InPhase(phase).WithStatus(s => s.PodIP = "10.244.0.7").Build();

    [Fact]
    public void A_hostPort_listens_on_every_node_port_address_and_forwards_to_the_pod()
    {
        var snapshot = RoutingSnapshotBuilder.Build([], [], Context, [PodWith(new ContainerPort { ContainerPortNumber = 8080, HostPort = 9090 })]);
        Assert.Equal([new Frontend(IPAddress.Parse("10.244.0.1"), 9090), new Frontend(IPAddress.Loopback, 9090)], snapshot.Frontends.Keys.OrderBy(f => f.ToString(), StringComparer.Ordinal));
        Assert.True(snapshot.TryResolve(new Frontend(IPAddress.Loopback, 9090), out var target, out var route));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.244.0.7"), 8080), Assert.Single(route.For(target)).EndPoint);
    }

    [Fact]
    public void A_hostIP_narrows_the_listener_to_that_address() =>
        Assert.Equal([new Frontend(IPAddress.Loopback, 9090)],
            RoutingSnapshotBuilder.Build([], [], Context, [PodWith(new ContainerPort { ContainerPortNumber = 8080, HostPort = 9090, HostIP = "127.0.0.1" })]).Frontends.Keys);

    [Theory]
    [InlineData("Succeeded", false, "TCP")]
    [InlineData("Running", true, "TCP")]
    [InlineData("Running", false, "SCTP")]
    public void Ended_host_network_and_SCTP_pods_get_no_listener(string phase, bool hostNetwork, string protocol) =>
        Assert.Empty(RoutingSnapshotBuilder.Build([], [], Context,
            [PodWith(new ContainerPort { ContainerPortNumber = 8080, HostPort = 9090, Protocol = protocol }, phase, hostNetwork)]).Frontends);

    [Fact]
    public void A_UDP_hostPort_gets_UDP_frontends_beside_a_TCP_one_on_the_same_number()
    {
        var pod = PodWith(new ContainerPort { ContainerPortNumber = 53, HostPort = 5353, Protocol = "UDP" });
        pod.Spec!.Containers[0].Ports!.Add(new ContainerPort { ContainerPortNumber = 53, HostPort = 5353, Protocol = "TCP" });

        var snapshot = RoutingSnapshotBuilder.Build([], [], Context, [pod]);

        Assert.Equal(["10.244.0.1:5353", "10.244.0.1:5353/UDP", "127.0.0.1:5353", "127.0.0.1:5353/UDP"], snapshot.Frontends.Keys.Select(f => f.ToString()).Order(StringComparer.Ordinal));
        Assert.True(snapshot.TryResolve(new Frontend(IPAddress.Loopback, 5353, Transport.Udp), out var target, out var route));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.244.0.7"), 53), Assert.Single(route.For(target)).EndPoint);
        Assert.Empty(snapshot.Conflicts);
    }
}
