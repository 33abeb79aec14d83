using Axolotl.Api.Core;
using Axolotl.Api.Discovery;
using Axolotl.Api.Serialization;
using Axolotl.Controllers.EndpointSlices;
using static Axolotl.Controllers.Tests.Endpoints.EndpointObjects;

namespace Axolotl.Controllers.Tests.EndpointSlices;

public sealed class EndpointSliceBuilderTests
{
    [Fact]
    public void A_new_service_gets_one_slice_labelled_and_owned_with_ports_named_as_in_the_service()
    {
        var service = Service(ports: [Port(80, "http", name: "web")]);
        var plan = EndpointSliceBuilder.Plan(service, [Pod("b", "10.244.0.3", ports: [Named("http", 8080)]), Pod("a", "10.244.0.2", ports: [Named("http", 8080)])], [], Created);

        var slice = Assert.Single(plan.Create);
        Assert.Empty(plan.Update);
        Assert.Empty(plan.Delete);
        Assert.Equal(("web-", null, "IPv4"), (slice.Metadata.GenerateName, slice.Metadata.Name, slice.AddressType));
        Assert.Equal(new Dictionary<string, string>
        {
            ["team"] = "a",
            ["kubernetes.io/service-name"] = "web",
            ["endpointslice.kubernetes.io/managed-by"] = "endpointslice-controller.k8s.io",
        }, slice.Metadata.Labels);
        var owner = Assert.Single(slice.Metadata.OwnerReferences!);
        Assert.Equal(("v1", "Service", "web", "uid-web", true, true), (owner.ApiVersion, owner.Kind, owner.Name, owner.Uid, owner.Controller, owner.BlockOwnerDeletion));
        var port = Assert.Single(slice.Ports!);
        Assert.Equal(("web", 8080, "TCP"), (port.Name, port.Port, port.Protocol));
        Assert.Equal(["10.244.0.2", "10.244.0.3"], slice.Endpoints.Select(e => e.Addresses.Single()));
        Assert.All(slice.Endpoints, e => Assert.Equal((true, true, false), (e.Conditions!.Ready, e.Conditions.Serving, e.Conditions.Terminating)));
        Assert.Equal("node-1", slice.Endpoints[0].NodeName);
        Assert.Equal("2025-01-01T00:00:00Z", slice.Metadata.Annotations!["endpoints.kubernetes.io/last-change-trigger-time"]);
    }

    [Fact]
    public void Terminating_pods_stay_with_terminating_true_and_serving_by_readiness()
    {
        var pods = new[] { Pod("a", "10.244.0.2").Terminating(), Pod("b", "10.244.0.3", ready: false).Terminating(), Pod("c", "10.244.0.4", ready: false) };

        var conditions = Conditions(EndpointSliceBuilder.Plan(Service(), pods, [], null).Create.Single());

        Assert.Equal((false, true, true), conditions["10.244.0.2"]);
        Assert.Equal((false, false, true), conditions["10.244.0.3"]);
        Assert.Equal((false, false, false), conditions["10.244.0.4"]);

        var published = Service();
        published.Spec!.PublishNotReadyAddresses = true;
        Assert.All(Conditions(EndpointSliceBuilder.Plan(published, pods, [], null).Create.Single()).Values, c => Assert.True(c.Ready));
    }

    [Fact]
    public void A_service_without_endpoints_keeps_one_empty_placeholder_slice()
    {
        var service = Service();
        var plan = EndpointSliceBuilder.Plan(service, [Pod("pending", null)], [], null);

        var placeholder = Assert.Single(plan.Create);
        Assert.Empty(placeholder.Endpoints);
        Assert.Empty(placeholder.Ports!);

        var stored = Stored(placeholder, "web-abcde");
        Assert.True(EndpointSliceBuilder.Plan(service, [], [stored], null).IsEmpty);
    }

    [Fact]
    public void Slices_that_already_match_after_a_round_trip_need_no_write()
    {
        var service = Service();
        var pods = new[] { Pod("a", "10.244.0.2"), Pod("b", "10.244.0.3", ready: false) };
        var stored = Stored(EndpointSliceBuilder.Plan(service, pods, [], Created).Create.Single(), "web-abcde");

        Assert.True(EndpointSliceBuilder.Plan(service, pods, [stored], null).IsEmpty);
    }

    [Fact]
    public void A_readiness_change_updates_the_same_slice_in_place()
    {
        var service = Service();
        var stored = Stored(EndpointSliceBuilder.Plan(service, [Pod("a", "10.244.0.2"), Pod("b", "10.244.0.3")], [], null).Create.Single(), "web-abcde");

        var plan = EndpointSliceBuilder.Plan(service, [Pod("a", "10.244.0.2"), Pod("b", "10.244.0.3", ready: false)], [stored], Created.AddSeconds(9));

        var updated = Assert.Single(plan.Update);
        Assert.Empty(plan.Create);
        Assert.Equal(("web-abcde", "41"), (updated.Metadata.Name, updated.Metadata.ResourceVersion));
        Assert.Equal((false, false, false), Conditions(updated)["10.244.0.3"]);
        Assert.Equal("2025-01-01T00:00:09Z", updated.Metadata.Annotations!["endpoints.kubernetes.io/last-change-trigger-time"]);
    }

    [Fact]
    public void When_the_last_pod_goes_the_slice_is_rewritten_as_the_placeholder()
    {
        var service = Service();
        var stored = Stored(EndpointSliceBuilder.Plan(service, [Pod("a", "10.244.0.2")], [], null).Create.Single(), "web-abcde");

        var plan = EndpointSliceBuilder.Plan(service, [], [stored], null);

        var updated = Assert.Single(plan.Update);
        Assert.Empty(plan.Create);
        Assert.Empty(plan.Delete);
        Assert.Equal("web-abcde", updated.Metadata.Name);
        Assert.Empty(updated.Endpoints);
        Assert.Empty(updated.Ports!);
    }

    [Fact]
    public void Endpoints_are_spread_over_slices_of_at_most_the_maximum_and_new_ones_fill_a_slice_being_written()
    {
        var service = Service();
        var pods = Enumerable.Range(2, 5).Select(i => Pod($"p{i}", $"10.244.0.{i}")).ToList();

        var first = EndpointSliceBuilder.Plan(service, pods, [], null, maxEndpointsPerSlice: 2);
        Assert.Equal([2, 2, 1], first.Create.Select(s => s.Endpoints.Count));

        var stored = first.Create.Select((s, i) => Stored(s, $"web-{i}")).ToList();
        var grown = EndpointSliceBuilder.Plan(service, [.. pods.Skip(1), Pod("p9", "10.244.0.9")], stored, null, maxEndpointsPerSlice: 2);
        var rewritten = Assert.Single(grown.Update);
        Assert.Empty(grown.Create);
        Assert.Equal("web-0", rewritten.Metadata.Name);
        Assert.Equal(["10.244.0.3", "10.244.0.9"], rewritten.Endpoints.Select(e => e.Addresses[0]));
    }

    [Fact]
    public void A_pod_lacking_a_named_port_lands_in_a_slice_without_that_port()
    {
        var service = Service(ports: [Port(80, "http", name: "http"), Port(81, 9000, name: "metrics")]);
        var plan = EndpointSliceBuilder.Plan(service, [Pod("a", "10.244.0.2", ports: [Named("http", 8080)]), Pod("b", "10.244.0.3")], [], null);

        Assert.Equal(2, plan.Create.Count);
        var full = plan.Create.Single(s => s.Ports!.Count == 2);
        Assert.Equal("10.244.0.2", full.Endpoints.Single().Addresses[0]);
        var partial = plan.Create.Single(s => s.Ports!.Count == 1);
        Assert.Equal(("metrics", 9000), (partial.Ports![0].Name, partial.Ports[0].Port));
        Assert.Equal("10.244.0.3", partial.Endpoints.Single().Addresses[0]);
    }

    [Fact]
    public void Slices_of_an_older_service_with_the_same_name_are_replaced()
    {
        var service = Service();
        var old = Stored(EndpointSliceBuilder.Plan(service, [Pod("a", "10.244.0.2")], [], null).Create.Single(), "web-old");
        old.Metadata.OwnerReferences![0].Uid = "uid-of-a-deleted-service";

        var plan = EndpointSliceBuilder.Plan(service, [Pod("a", "10.244.0.2")], [old], null);

        Assert.Equal("web-old", Assert.Single(plan.Delete).Metadata.Name);
        Assert.Single(plan.Create);
        Assert.Empty(plan.Update);
    }

    [Fact]
    public void A_label_change_on_the_service_is_copied_to_its_slices()
    {
        var service = Service();
        var stored = Stored(EndpointSliceBuilder.Plan(service, [Pod("a", "10.244.0.2")], [], null).Create.Single(), "web-abcde");
        service.Metadata.Labels!["team"] = "b";

        var updated = Assert.Single(EndpointSliceBuilder.Plan(service, [Pod("a", "10.244.0.2")], [stored], null).Update);

        Assert.Equal("b", updated.Metadata.Labels!["team"]);
    }

    [Fact]
    public void A_service_being_deleted_gets_no_new_slices()
    {
        var service = Service();
        service.Metadata.DeletionTimestamp = Created.AddHours(1);

        Assert.Empty(EndpointSliceBuilder.Plan(service, [Pod("a", "10.244.0.2")], [], null).Create);
    }

    private static Dictionary<string, (bool? Ready, bool? Serving, bool? Terminating)> Conditions(EndpointSlice slice) =>
        slice.Endpoints.ToDictionary(e => e.Addresses[0], e => (e.Conditions!.Ready, e.Conditions.Serving, e.Conditions.Terminating));

    /// <summary>The slice as the API server would hand it back: named, versioned, JSON round-tripped.</summary>
    private static EndpointSlice Stored(EndpointSlice created, string name)
    {
        var stored = KubeJson.Deserialize<EndpointSlice>(KubeJson.Serialize(created))!;
        stored.Metadata.Name = name;
        stored.Metadata.GenerateName = null;
        stored.Metadata.ResourceVersion = "41";
        return stored;
    }
}
