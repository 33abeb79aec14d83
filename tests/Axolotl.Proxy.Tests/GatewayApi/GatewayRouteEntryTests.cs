using Axolotl.Proxy.GatewayApi;
using Axolotl.Proxy.Ingress;

namespace Axolotl.Proxy.Tests.GatewayApi;

public sealed class GatewayRouteEntryTests
{
    private static GatewayBackend Backend(string name, int weight) => new(new IngressRouteBackend("ns", name, 80, null, "ns/r"), weight, null);

    [Fact]
    public void Backends_take_requests_in_proportion_to_their_weights()
    {
        var entry = new GatewayRouteEntry(new GatewayRouteMatch(GatewayPathKind.PathPrefix, "/", null, [], []), [], [Backend("a", 3), Backend("b", 1), Backend("never", 0)], "ns/r");

        var picks = Enumerable.Range(0, 400).Select(_ => entry.Pick()!.Target!.Service).ToList();

        Assert.Equal(300, picks.Count(p => p == "a"));
        Assert.Equal(100, picks.Count(p => p == "b"));
    }

    [Fact]
    public void A_rule_without_weight_left_has_no_backend()
    {
        var entry = new GatewayRouteEntry(new GatewayRouteMatch(GatewayPathKind.PathPrefix, "/", null, [], []), [], [Backend("zero", 0)], "ns/r");

        Assert.Null(entry.Pick());
    }
}
