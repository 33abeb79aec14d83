using Axolotl.Api.Networking;
using Axolotl.Proxy.Ingress;
using static Axolotl.Proxy.Tests.Ingress.IngressObjects;

namespace Axolotl.Proxy.Tests.Ingress;

public sealed class IngressStatusPlanTests
{
    [Fact]
    public void A_served_ingress_gets_the_node_address_beside_other_nodes_entries_once()
    {
        var ingress = NewIngress("web", 0);
        ingress.Status = new IngressStatus { LoadBalancer = new IngressLoadBalancerStatus { Ingress = [new IngressLoadBalancerIngress { Ip = "192.0.2.9" }] } };

        var wanted = IngressStatusPlan.Wanted(ingress, served: true, "192.0.2.1");

        Assert.Equal(["192.0.2.1", "192.0.2.9"], wanted!.Select(e => e.Ip));
        ingress.Status.LoadBalancer.Ingress = wanted;
        Assert.Null(IngressStatusPlan.Wanted(ingress, served: true, "192.0.2.1"));
    }

    [Fact]
    public void An_ingress_no_longer_served_loses_only_this_node_address()
    {
        var ingress = NewIngress("web", 0);
        ingress.Status = new IngressStatus
        {
            LoadBalancer = new IngressLoadBalancerStatus { Ingress = [new IngressLoadBalancerIngress { Ip = "192.0.2.1" }, new IngressLoadBalancerIngress { Ip = "192.0.2.9" }] },
        };

        Assert.Equal(["192.0.2.9"], IngressStatusPlan.Wanted(ingress, served: false, "192.0.2.1")!.Select(e => e.Ip));
        Assert.Null(IngressStatusPlan.Wanted(NewIngress("other", 0), served: false, "192.0.2.1"));
    }
}
