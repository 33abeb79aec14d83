using Axolotl.Api.ApiRegistration;
using Axolotl.Api.Core;
using Axolotl.Api.Discovery;
using Axolotl.Api.Meta;
using Axolotl.Controllers.ApiServiceAvailability;
using Axolotl.Controllers.Autoregister;

namespace Axolotl.Controllers.Tests.ApiServiceAvailability;

public sealed class AvailabilityCheckTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 0, 0, 0, TimeSpan.Zero);

    private static APIService Remote(int port = 443)
    {
        var apiService = BuiltInApiServices.Local("wardle.example.com", "v1alpha1", 1000, 15, "x");
        apiService.Metadata.Labels = null;
        apiService.Spec!.Service = new ServiceReference { Namespace = "wardle", Name = "api", Port = port };
        return apiService;
    }

    private static Service Service(string? type = null, string? portName = "https") => new()
    {
        Metadata = new ObjectMeta { Namespace = "wardle", Name = "api" },
        Spec = new ServiceSpec { Type = type, Ports = [new ServicePort { Name = portName, Port = 443 }] },
    };

    private static EndpointSlice Slice(bool? ready, string? portName = "https") => new()
    {
        Metadata = new ObjectMeta { Namespace = "wardle", Name = "api-abcde", Labels = new() { [WellKnown.LabelServiceName] = "api" } },
        AddressType = "IPv4",
        Endpoints = [new Endpoint { Addresses = ["10.244.0.5"], Conditions = new EndpointConditions { Ready = ready } }],
        Ports = [new Api.Discovery.EndpointPort { Name = portName, Port = 8443 }],
    };

    private static (string Status, string? Reason, string? Message) Check(APIService apiService, Service? service, params EndpointSlice[] slices)
    {
        var condition = AvailabilityCheck.Check(apiService, service, slices, Now);
        Assert.Equal(("Available", (DateTimeOffset?)Now), (condition.Type, condition.LastTransitionTime));
        return (condition.Status, condition.Reason, condition.Message);
    }

    [Fact]
    public void A_Local_APIService_is_always_available()
    {
        Assert.Equal(("True", "Local", "Local APIServices are always available"), Check(BuiltInApiServices.All["v1.apps"], null));
    }

    [Fact]
    public void The_Service_its_port_and_its_endpoints_are_checked_in_upstreams_order_and_words()
    {
        Assert.Equal(("False", "ServiceNotFound", "service/api in \"wardle\" is not present"), Check(Remote(), null));
        Assert.Equal(("False", "ServicePortError", "service/api in \"wardle\" is not listening on port 8443"), Check(Remote(8443), Service()));
        Assert.Equal(("False", "EndpointsNotFound", "cannot find endpointslices for service/api in \"wardle\""), Check(Remote(), Service()));
        Assert.Equal(("False", "MissingEndpoints", "endpointslices for service/api in \"wardle\" have no addresses with port name \"https\""),
            Check(Remote(), Service(), Slice(ready: false)));
        Assert.Equal(("False", "MissingEndpoints", "endpointslices for service/api in \"wardle\" have no addresses with port name \"https\""),
            Check(Remote(), Service(), Slice(ready: true, portName: "other")));
    }

    [Fact]
    public void A_Service_with_a_ready_endpoint_passes_the_checks_before_the_discovery_probe()
    {
        var expected = ("True", "Passed", "all checks passed");

        Assert.Equal(expected, Check(Remote(), Service(), Slice(ready: null)));
        Assert.Equal(expected, Check(Remote(), Service(type: "ExternalName")));
        Assert.Equal(expected, Check(Remote(), Service(portName: null), Slice(ready: true, portName: null)));
    }

    [Fact]
    public void The_probe_dials_the_ready_addresses_on_the_port_named_like_the_Service_port()
    {
        var other = Slice(ready: true, portName: "metrics");
        var notReady = Slice(ready: false);
        notReady.Endpoints[0].Addresses = ["10.244.0.6"];

        var endpoints = AvailabilityCheck.Endpoints(Remote(), Service(), [Slice(ready: null), other, notReady]);

        Assert.Equal(["10.244.0.5:8443"], endpoints.Select(e => e.ToString()));
    }

    [Fact]
    public void A_failed_discovery_probe_is_upstreams_FailedDiscoveryCheck_with_the_error_as_message()
    {
        var condition = AvailabilityCheck.FailedDiscovery("failing or missing response from https://10.244.0.5:8443/apis/wardle.example.com/v1alpha1: bad status from https://10.244.0.5:8443/apis/wardle.example.com/v1alpha1: 403", Now);

        Assert.Equal(("False", "FailedDiscoveryCheck"), (condition.Status, condition.Reason));
        Assert.EndsWith("bad status from https://10.244.0.5:8443/apis/wardle.example.com/v1alpha1: 403", condition.Message);
    }
}
