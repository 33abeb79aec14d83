using Axolotl.Api.Core;
using Axolotl.Proxy.GatewayApi;
using Axolotl.Proxy.GatewayApi.Model;
using static Axolotl.Proxy.Tests.GatewayApi.GatewayObjects;

namespace Axolotl.Proxy.Tests.GatewayApi;

public sealed class GatewayStatusPlanTests
{
    private static readonly DateTimeOffset Now = new(2026, 2, 1, 10, 0, 0, TimeSpan.Zero);

    private static GatewayBuild Build(params HTTPRoute[] routes) =>
        GatewayRouteTableBuilder.Build(Inputs([Gateway("infra", "web", 0, $"[{Http("http", 8080)}]")], routes), Fallback);

    [Fact]
    public void A_served_gateway_is_accepted_and_programmed_with_the_nodes_address_and_its_routes_counted()
    {
        var build = Build(Route("infra", "r", 0, Spec("web", Rule("s"))));

        var status = GatewayStatusPlan.ForGateway(build.Gateways[0], _ => null, "10.0.0.5", Now)!;

        Assert.Equal(["10.0.0.5"], status.Addresses!.Select(a => a.Value));
        Assert.All(status.Conditions!, c => Assert.Equal("True", c.Status));
        var listener = Assert.Single(status.Listeners!);
        Assert.Equal(1, listener.AttachedRoutes);
        Assert.Equal(["Accepted=True", "Programmed=True", "ResolvedRefs=True", "Conflicted=False"], listener.Conditions.Select(c => $"{c.Type}={c.Status}"));
        Assert.All(listener.Conditions, c => Assert.Equal(1, c.ObservedGeneration));
    }

    [Fact]
    public void A_port_the_node_cannot_bind_leaves_the_listener_unaccepted_and_the_gateway_unprogrammed()
    {
        var build = Build();

        var status = GatewayStatusPlan.ForGateway(build.Gateways[0], port => port == 8080 ? "address in use" : null, "10.0.0.5", Now)!;

        var accepted = status.Listeners![0].Conditions.Single(c => c.Type == "Accepted");
        Assert.Equal(("False", "PortUnavailable"), (accepted.Status, accepted.Reason));
        Assert.Contains("address in use", accepted.Message, StringComparison.Ordinal);
        Assert.Equal("False", status.Conditions!.Single(c => c.Type == "Programmed").Status);
    }

    [Fact]
    public void An_unchanged_status_is_not_written_again_and_a_condition_keeps_its_transition_time_while_its_status_stays()
    {
        var build = Build();
        var first = GatewayStatusPlan.ForGateway(build.Gateways[0], _ => null, "10.0.0.5", Now)!;
        build.Gateways[0].Gateway.Status = first;

        Assert.Null(GatewayStatusPlan.ForGateway(build.Gateways[0], _ => null, "10.0.0.5", Now.AddMinutes(5)));
        var unbound = GatewayStatusPlan.ForGateway(build.Gateways[0], _ => "in use", "10.0.0.5", Now.AddMinutes(5))!;
        Assert.Equal(Now, unbound.Conditions!.Single(c => c.Type == "Accepted").LastTransitionTime);
        Assert.Equal(Now.AddMinutes(5), unbound.Conditions!.Single(c => c.Type == "Programmed").LastTransitionTime);
    }

    [Fact]
    public void A_gateway_keeps_the_addresses_other_nodes_wrote()
    {
        var build = Build();
        build.Gateways[0].Gateway.Status = new GatewayStatus { Addresses = [new GatewayAddress { Type = "IPAddress", Value = "10.0.0.9" }] };

        var status = GatewayStatusPlan.ForGateway(build.Gateways[0], _ => null, "10.0.0.5", Now)!;

        Assert.Equal(["10.0.0.5", "10.0.0.9"], status.Addresses!.Select(a => a.Value));
    }

    [Fact]
    public void A_routes_parents_of_other_controllers_are_kept_and_its_own_replaced()
    {
        var route = Route("infra", "r", 0, Spec("web", Rule("s")));
        var theirs = new RouteParentStatus { ParentRef = new ParentReference { Name = "elsewhere" }, ControllerName = "example.com/other", Conditions = [new Condition { Type = "Accepted", Status = "True" }] };
        route.Status = new HTTPRouteStatus { Parents = [theirs, new RouteParentStatus { ParentRef = new ParentReference { Name = "gone" }, ControllerName = GatewayOptions.DefaultControllerName }] };
        var build = Build(route);

        var status = GatewayStatusPlan.ForRoute(route, build.Routes.Single(), GatewayOptions.DefaultControllerName, Now)!;

        Assert.Equal(["elsewhere", "web"], status.Parents!.Select(p => p.ParentRef.Name));
        Assert.Equal(["Accepted=True", "ResolvedRefs=True"], status.Parents![1].Conditions.Select(c => $"{c.Type}={c.Status}"));
        Assert.Equal(["elsewhere"], GatewayStatusPlan.ForRoute(route, null, GatewayOptions.DefaultControllerName, Now)!.Parents!.Select(p => p.ParentRef.Name));
    }
}
