using System.Text.Json.Nodes;
using Axolotl.Api.ApiRegistration;
using Axolotl.Api.Apiextensions;
using Axolotl.Api.Serialization;
using Axolotl.Controllers.Autoregister;

namespace Axolotl.Controllers.Tests.Autoregister;

public sealed class CustomResourceApiServicesTests
{
    public static CustomResourceDefinition Crd(string group, params (string Name, bool Served)[] versions)
    {
        var crd = new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new JsonObject { ["name"] = "widgets." + group },
            ["spec"] = new JsonObject
            {
                ["group"] = group,
                ["names"] = new JsonObject { ["plural"] = "widgets", ["kind"] = "Widget" },
                ["scope"] = "Namespaced",
                ["versions"] = new JsonArray([.. versions.Select(v => (JsonNode)new JsonObject { ["name"] = v.Name, ["served"] = v.Served, ["storage"] = false })]),
            },
        };
        return KubeJson.Deserialize<CustomResourceDefinition>(crd.ToJsonString())!;
    }

    [Fact]
    public void A_served_version_wants_a_Local_APIService_kept_continuously_at_upstreams_CRD_priority()
    {
        var crds = new[] { Crd("example.com", ("v1", true), ("v2", false)) };

        var desired = CustomResourceApiServices.Desired("v1.example.com", crds);

        Assert.NotNull(desired);
        Assert.Equal(("example.com", "v1", 1000, 100, (ServiceReference?)null), (desired.Spec!.Group, desired.Spec.Version, desired.Spec.GroupPriorityMinimum, desired.Spec.VersionPriority, desired.Spec.Service));
        Assert.Equal(APIService.ManagedContinuously, desired.Metadata.Labels![APIService.AutomanagedLabel]);
        Assert.Null(CustomResourceApiServices.Desired("v2.example.com", crds));
        Assert.Null(CustomResourceApiServices.Desired("v1.other.com", crds));
        Assert.Equal(["v1.example.com", "v2.example.com"], CustomResourceApiServices.Names(crds[0]));
    }

    [Fact]
    public void Another_CRD_of_the_same_group_keeps_the_version_wanted()
    {
        var crds = new[] { Crd("example.com", ("v1", false)), Crd("example.com", ("v1", true)) };

        Assert.NotNull(CustomResourceApiServices.Desired("v1.example.com", crds));
    }
}
