using System.Net;
using System.Net.Sockets;
using Axolotl.Agent.NetworkPolicies;
using static Axolotl.Agent.Tests.NetworkPolicies.PolicyWorld;

namespace Axolotl.Agent.Tests.NetworkPolicies;

/// <summary>The service relay's question: would the policy let this client reach this endpoint directly?</summary>
public sealed class RelayViewTests
{
    private static IPAddress Ip(string pod) => IPAddress.Parse(Ipv4Range.Format(Pod(pod).Ip));

    [Fact]
    public void A_relayed_connection_is_judged_by_the_backends_ingress_against_the_client_pod()
    {
        var view = new RelayView(State(Policy("x", "only-b", Labels("pod", "a"), ["Ingress"],
            ingress: [new() { From = [new() { PodSelector = Labels("pod", "b") }], Ports = [Tcp("serve-80-tcp")] }])), []);

        Assert.True(view.Allows(Ip("x/b"), new IPEndPoint(Ip("x/a"), 80)));
        Assert.False(view.Allows(Ip("x/c"), new IPEndPoint(Ip("x/a"), 80)));
        Assert.False(view.Allows(Ip("x/b"), new IPEndPoint(Ip("x/a"), 81)));
        // IPv4 as a dual-mode socket reports it.
        Assert.False(view.Allows(Ip("y/a").MapToIPv6(), new IPEndPoint(Ip("x/a"), 80)));
        // Not a pod (the node, the outside): only ipBlocks could allow it, and this policy has none.
        Assert.False(view.Allows(IPAddress.Parse("192.0.2.1"), new IPEndPoint(Ip("x/a"), 80)));
        Assert.True(view.Allows(IPAddress.Parse("192.0.2.1"), new IPEndPoint(Ip("y/a"), 80)));
    }

    [Fact]
    public void A_relayed_udp_flow_is_judged_with_its_own_protocol()
    {
        var view = new RelayView(State(Policy("x", "udp-from-b", Labels("pod", "a"), ["Ingress"],
            ingress: [new() { From = [new() { PodSelector = Labels("pod", "b") }], Ports = [Udp(80)] }])), []);

        Assert.True(view.Allows(Ip("x/b"), new IPEndPoint(Ip("x/a"), 80), ProtocolType.Udp));
        // The port is allowed for UDP only: TCP to it, and UDP from another pod, are not.
        Assert.False(view.Allows(Ip("x/b"), new IPEndPoint(Ip("x/a"), 80), ProtocolType.Tcp));
        Assert.False(view.Allows(Ip("x/c"), new IPEndPoint(Ip("x/a"), 80), ProtocolType.Udp));
    }

    [Fact]
    public void A_relayed_connection_is_judged_by_the_client_pods_egress_against_the_chosen_backend()
    {
        var view = new RelayView(State(Policy("x", "to-y", Labels("pod", "a"), ["Egress"],
            egress: [new() { To = [new() { NamespaceSelector = Labels("ns", "y") }] }])), []);

        Assert.True(view.Allows(Ip("x/a"), new IPEndPoint(Ip("y/c"), 80)));
        Assert.False(view.Allows(Ip("x/a"), new IPEndPoint(Ip("z/c"), 80)));
        Assert.True(view.Allows(Ip("x/b"), new IPEndPoint(Ip("z/c"), 80)));
    }

    [Fact]
    public void Only_a_pod_of_this_node_reaching_a_pod_of_another_is_marked_to_keep_its_address()
    {
        // x's pods run on this node; y's and z's elsewhere.
        var view = new RelayView(State(), [Pod("x/a").Ip, Pod("x/b").Ip]);

        Assert.Equal(RelaySource.Tag | 10, view.Mark(Ip("x/a"), new IPEndPoint(Ip("y/a"), 80)));
        Assert.Equal(RelaySource.Tag | 11, view.Mark(Ip("x/b").MapToIPv6(), new IPEndPoint(Ip("z/c"), 81)));
        // An endpoint on this node would answer the pod over the bridge, past the relay.
        Assert.Null(view.Mark(Ip("x/a"), new IPEndPoint(Ip("x/b"), 80)));
        // A client that is no pod of this node (the node, the outside, a pod elsewhere through a node port).
        Assert.Null(view.Mark(IPAddress.Parse("192.0.2.1"), new IPEndPoint(Ip("y/a"), 80)));
        Assert.Null(view.Mark(Ip("y/b"), new IPEndPoint(Ip("y/a"), 80)));
        // An endpoint that is no pod (an external address, a host-network pod): its answers would not come back to this node.
        Assert.Null(view.Mark(Ip("x/a"), new IPEndPoint(IPAddress.Parse("192.0.2.7"), 80)));
    }
}
