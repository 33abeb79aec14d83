using Axolotl.Api.Core;
using Axolotl.Controllers.Endpoints;
using static Axolotl.Controllers.Tests.Endpoints.EndpointObjects;

namespace Axolotl.Controllers.Tests.Endpoints;

public sealed class PodEndpointRulesTests
{
    [Theory]
    [InlineData("http", "TCP", 8080)]
    [InlineData("http", "UDP", null)]
    [InlineData("metrics", "TCP", 9100)]
    [InlineData("nope", "TCP", null)]
    public void Named_ports_match_by_name_and_protocol_including_sidecars(string name, string protocol, int? expected)
    {
        var pod = Pod("a", "10.244.0.2", ports: [Named("http", 8080)]);
        pod.Spec!.InitContainers =
        [
            new Container { Name = "sidecar", RestartPolicy = "Always", Ports = [Named("metrics", 9100)] },
            new Container { Name = "init", Ports = [Named("nope", 1)] },
        ];

        Assert.Equal(expected, PodEndpointRules.FindPort(pod, Port(80, name, protocol: protocol)));
    }

    [Fact]
    public void A_numeric_target_port_is_used_as_is_and_an_unset_one_means_the_service_port()
    {
        var pod = Pod("a", "10.244.0.2");
        Assert.Equal(9000, PodEndpointRules.FindPort(pod, Port(80, 9000)));
        Assert.Equal(80, PodEndpointRules.FindPort(pod, new ServicePort { Port = 80 }));
    }

    [Fact]
    public void Services_without_a_selector_or_of_type_external_name_manage_no_endpoints()
    {
        var noSelector = Service();
        noSelector.Spec!.Selector = null;
        var externalName = Service();
        externalName.Spec!.Type = "ExternalName";

        Assert.False(PodEndpointRules.ManagesEndpoints(noSelector));
        Assert.False(PodEndpointRules.ManagesEndpoints(externalName));
        Assert.False(PodEndpointRules.Selects(noSelector, Pod("a", "10.244.0.2")));
        Assert.True(PodEndpointRules.Selects(Service(), Pod("a", "10.244.0.2")));
        Assert.False(PodEndpointRules.Selects(Service(), Pod("a", "10.244.0.2", app: "other")));
    }

    [Fact]
    public void Only_changes_an_endpoint_shows_count_as_relevant()
    {
        var before = Pod("a", "10.244.0.2");
        var annotated = Pod("a", "10.244.0.2");
        annotated.Metadata.Annotations = new Dictionary<string, string> { ["x"] = "y" };
        var unready = Pod("a", "10.244.0.2", ready: false);

        Assert.False(PodEndpointRules.EndpointsRelevantChange(before, annotated));
        Assert.True(PodEndpointRules.EndpointsRelevantChange(before, unready));
        Assert.True(PodEndpointRules.EndpointsRelevantChange(before, Pod("a", "10.244.0.2").Terminating()));
        Assert.True(PodEndpointRules.EndpointsRelevantChange(before, Pod("a", "10.244.0.2", app: "other")));
    }
}
