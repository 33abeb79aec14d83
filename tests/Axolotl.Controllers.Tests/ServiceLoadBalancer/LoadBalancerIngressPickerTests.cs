using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Controllers.ServiceLoadBalancer;
using static Axolotl.Controllers.Tests.Endpoints.EndpointObjects;

namespace Axolotl.Controllers.Tests.ServiceLoadBalancer;

public sealed class LoadBalancerIngressPickerTests
{
    [Fact]
    public void A_load_balancer_service_gets_the_first_ready_nodes_internal_ip()
    {
        var service = LoadBalancer();
        var ingress = LoadBalancerIngressPicker.Desired(service, [Node("c", "192.0.2.30", true), Node("a", "192.0.2.10", false), Node("b", "192.0.2.20", true)]);

        Assert.Equal("192.0.2.20", Assert.Single(ingress!).Ip);
    }

    [Fact]
    public void A_published_address_stays_while_its_node_is_ready_and_moves_when_it_is_not()
    {
        var service = LoadBalancer();
        service.Status = new ServiceStatus { LoadBalancer = new LoadBalancerStatus { Ingress = [new LoadBalancerIngress { Ip = "192.0.2.30", IpMode = "VIP" }] } };

        Assert.Null(LoadBalancerIngressPicker.Desired(service, [Node("b", "192.0.2.20", true), Node("c", "192.0.2.30", true)]));
        Assert.Equal("192.0.2.20", LoadBalancerIngressPicker.Desired(service, [Node("b", "192.0.2.20", true), Node("c", "192.0.2.30", false)])!.Single().Ip);
        Assert.Null(LoadBalancerIngressPicker.Desired(service, [Node("c", "192.0.2.30", false)]));
    }

    [Fact]
    public void Other_types_lose_their_ingress_and_services_with_a_load_balancer_class_are_left_alone()
    {
        var nodes = new[] { Node("a", "192.0.2.10", true) };
        var clusterIp = Service();
        Assert.Null(LoadBalancerIngressPicker.Desired(clusterIp, nodes));
        clusterIp.Status = new ServiceStatus { LoadBalancer = new LoadBalancerStatus { Ingress = [new LoadBalancerIngress { Ip = "192.0.2.10" }] } };
        Assert.Empty(LoadBalancerIngressPicker.Desired(clusterIp, nodes)!);

        var classed = LoadBalancer();
        classed.Spec!.LoadBalancerClass = "example.com/lb";
        Assert.Null(LoadBalancerIngressPicker.Desired(classed, nodes));
    }

    private static Service LoadBalancer()
    {
        var service = Service();
        service.Spec!.Type = "LoadBalancer";
        return service;
    }

    private static Node Node(string name, string ip, bool ready) => new()
    {
        Metadata = new ObjectMeta { Name = name },
        Status = new NodeStatus
        {
            Conditions = [new NodeCondition { Type = "Ready", Status = ready ? "True" : "False" }],
            Addresses = [new NodeAddress { Type = "Hostname", Address = name }, new NodeAddress { Type = "InternalIP", Address = ip }],
        },
    };
}
