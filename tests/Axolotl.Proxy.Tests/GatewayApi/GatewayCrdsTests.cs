using Axolotl.Api.Apiextensions;
using Axolotl.Proxy.GatewayApi;
using static Axolotl.Proxy.Tests.GatewayApi.GatewayObjects;

namespace Axolotl.Proxy.Tests.GatewayApi;

public sealed class GatewayCrdsTests
{
    private static CustomResourceDefinition Crd(string plural, string version, bool established = true, string? bundle = null)
    {
        var annotations = bundle is null ? "" : ",\"annotations\":{\"gateway.networking.k8s.io/bundle-version\":\"" + bundle + "\"}";
        return Read<CustomResourceDefinition>($$$"""
            {"metadata":{"name":"{{{plural}}}.gateway.networking.k8s.io"{{{annotations}}}},
             "spec":{"versions":[{"name":"{{{version}}}","served":true}]},
             "status":{"conditions":[{"type":"Established","status":"{{{(established ? "True" : "False")}}}"}]}}
            """);
    }

    [Fact]
    public void The_controller_starts_once_the_three_core_crds_are_established_and_serve_v1()
    {
        var all = new[] { Crd("gatewayclasses", "v1", bundle: "v1.2.1"), Crd("gateways", "v1"), Crd("httproutes", "v1"), Crd("referencegrants", "v1beta1") };

        Assert.Equal(new GatewayCrds(true, true, "v1.2.1"), GatewayCrds.Read(all));
        Assert.False(GatewayCrds.Read(all[..2]).Core);
        Assert.False(GatewayCrds.Read([all[0], all[1], Crd("httproutes", "v1", established: false)]).Core);
        Assert.False(GatewayCrds.Read([all[0], all[1], Crd("httproutes", "v1beta1")]).Core);
        Assert.Equal(new GatewayCrds(true, false, "v1.2.1"), GatewayCrds.Read(all[..3]));
    }
}
