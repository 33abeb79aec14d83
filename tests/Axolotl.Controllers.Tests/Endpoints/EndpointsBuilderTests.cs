using Axolotl.Api.Core;
using Axolotl.Api.Serialization;
using Axolotl.Controllers.Endpoints;
using static Axolotl.Controllers.Tests.Endpoints.EndpointObjects;

namespace Axolotl.Controllers.Tests.Endpoints;

public sealed class EndpointsBuilderTests
{
    [Fact]
    public void Ready_pods_are_addresses_and_not_ready_pods_are_not_ready_addresses_in_one_subset()
    {
        var subsets = EndpointsBuilder.Subsets(Service(), [Pod("b", "10.244.0.3"), Pod("a", "10.244.0.2"), Pod("c", "10.244.0.4", ready: false)]);

        var subset = Assert.Single(subsets);
        Assert.Equal(["10.244.0.2", "10.244.0.3"], subset.Addresses!.Select(a => a.Ip));
        Assert.Equal(["10.244.0.4"], subset.NotReadyAddresses!.Select(a => a.Ip));
        var port = Assert.Single(subset.Ports!);
        Assert.Equal((null, 8080, "TCP"), (port.Name, port.Port, port.Protocol));
        var address = subset.Addresses![0];
        Assert.Equal("node-1", address.NodeName);
        Assert.Equal(("Pod", "default", "a", "uid-a"), (address.TargetRef!.Kind, address.TargetRef.Namespace, address.TargetRef.Name, address.TargetRef.Uid));
    }

    [Fact]
    public void Pods_without_an_ip_and_finished_pods_are_left_out()
    {
        var subsets = EndpointsBuilder.Subsets(Service(),
            [Pod("pending", null), Pod("done", "10.244.0.5").WithPhase("Succeeded"), Pod("failed", "10.244.0.6").WithPhase("Failed")]);

        Assert.Empty(subsets);
    }

    [Fact]
    public void Terminating_pods_are_left_out_unless_the_service_publishes_not_ready_addresses()
    {
        var pods = new[] { Pod("old", "10.244.0.2").Terminating(), Pod("new", "10.244.0.3", ready: false) };

        var normal = Assert.Single(EndpointsBuilder.Subsets(Service(), pods));
        Assert.Null(normal.Addresses);
        Assert.Equal(["10.244.0.3"], normal.NotReadyAddresses!.Select(a => a.Ip));

        var service = Service();
        service.Spec!.PublishNotReadyAddresses = true;
        var published = Assert.Single(EndpointsBuilder.Subsets(service, pods));
        Assert.Equal(["10.244.0.2", "10.244.0.3"], published.Addresses!.Select(a => a.Ip));
        Assert.Null(published.NotReadyAddresses);
    }

    [Fact]
    public void A_named_target_port_is_resolved_per_pod_and_a_pod_without_the_name_is_left_out()
    {
        var service = Service(ports: [Port(80, "http", name: "web")]);
        var subsets = EndpointsBuilder.Subsets(service,
        [
            Pod("a", "10.244.0.2", ports: [Named("http", 8080)]),
            Pod("b", "10.244.0.3", ports: [Named("http", 9090)]),
            Pod("c", "10.244.0.4", ports: [Named("admin", 8080)]),
            Pod("d", "10.244.0.5", ports: [Named("http", 8080, "UDP")]),
        ]);

        Assert.Equal(2, subsets.Count);
        Assert.Equal(("10.244.0.2", 8080, "web"), (subsets[0].Addresses!.Single().Ip, subsets[0].Ports!.Single().Port, subsets[0].Ports!.Single().Name));
        Assert.Equal(("10.244.0.3", 9090, "web"), (subsets[1].Addresses!.Single().Ip, subsets[1].Ports!.Single().Port, subsets[1].Ports!.Single().Name));
    }

    [Fact]
    public void Ports_offered_by_the_same_addresses_share_a_subset_and_the_others_get_their_own()
    {
        var service = Service(ports: [Port(80, "http", name: "http"), Port(81, 9000, name: "metrics"), Port(82, 9001, name: "admin")]);
        var subsets = EndpointsBuilder.Subsets(service,
        [
            Pod("a", "10.244.0.2", ports: [Named("http", 8080)]),
            Pod("b", "10.244.0.3", ports: [Named("http", 8080)]),
            Pod("c", "10.244.0.4"),
        ]);

        Assert.Equal(2, subsets.Count);
        var http = subsets.Single(s => s.Ports!.Count == 1);
        Assert.Equal(["10.244.0.2", "10.244.0.3"], http.Addresses!.Select(a => a.Ip));
        Assert.Equal(("http", 8080), (http.Ports![0].Name, http.Ports[0].Port));
        var numeric = subsets.Single(s => s.Ports!.Count == 2);
        Assert.Equal(["10.244.0.2", "10.244.0.3", "10.244.0.4"], numeric.Addresses!.Select(a => a.Ip));
        Assert.Equal(["admin", "metrics"], numeric.Ports!.Select(p => p.Name));
    }

    [Fact]
    public void A_pod_ready_for_one_port_is_ready_in_the_repacked_subset()
    {
        var service = Service(ports: [Port(80, 8080, name: "a"), Port(81, 8081, name: "b")]);
        var subsets = EndpointsBuilder.Subsets(service, [Pod("x", "10.244.0.2", ready: false)]);

        var subset = Assert.Single(subsets);
        Assert.Equal(2, subset.Ports!.Count);
        Assert.Equal("10.244.0.2", subset.NotReadyAddresses!.Single().Ip);
    }

    [Fact]
    public void A_headless_service_without_ports_publishes_bare_addresses_with_hostnames_for_its_subdomain()
    {
        var service = Service(clusterIp: "None");
        service.Spec!.Ports = null;
        var pod = Pod("db-0", "10.244.0.7");
        pod.Spec!.Hostname = "db-0";
        pod.Spec.Subdomain = "web";

        var subset = Assert.Single(EndpointsBuilder.Subsets(service, [pod]));
        Assert.Null(subset.Ports);
        Assert.Equal(("10.244.0.7", "db-0"), (subset.Addresses![0].Ip, subset.Addresses[0].Hostname));

        var withCluster = Service();
        withCluster.Spec!.Ports = null;
        Assert.Empty(EndpointsBuilder.Subsets(withCluster, [pod]));
    }

    [Fact]
    public void Desired_mirrors_the_service_labels_stamps_the_trigger_time_and_marks_headless_services()
    {
        var trigger = new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.Zero).AddTicks(1234500);
        var service = Service(clusterIp: "None");

        var endpoints = EndpointsBuilder.Desired(service, null, EndpointsBuilder.Subsets(service, [Pod("a", "10.244.0.2")]), trigger)!;

        Assert.Equal(("v1", "Endpoints", "web", "default"), (endpoints.ApiVersion, endpoints.Kind, endpoints.Metadata.Name, endpoints.Metadata.Namespace));
        Assert.Equal(new Dictionary<string, string> { ["team"] = "a", ["service.kubernetes.io/headless"] = "" }, endpoints.Metadata.Labels);
        Assert.Equal("2025-03-04T05:06:07.12345Z", endpoints.Metadata.Annotations!["endpoints.kubernetes.io/last-change-trigger-time"]);
        Assert.Null(endpoints.Metadata.OwnerReferences);
    }

    [Fact]
    public void Desired_is_null_when_the_stored_endpoints_already_match_after_a_round_trip()
    {
        var service = Service();
        var pods = new[] { Pod("a", "10.244.0.2"), Pod("b", "10.244.0.3", ready: false) };
        var first = EndpointsBuilder.Desired(service, null, EndpointsBuilder.Subsets(service, pods), EndpointObjects.Created)!;
        var stored = KubeJson.Deserialize<Api.Core.Endpoints>(KubeJson.Serialize(first))!;
        stored.Metadata.ResourceVersion = "7";

        Assert.Null(EndpointsBuilder.Desired(service, stored, EndpointsBuilder.Subsets(service, pods), null));

        var changed = EndpointsBuilder.Desired(service, stored, EndpointsBuilder.Subsets(service, [pods[0], Pod("b", "10.244.0.3")]), null)!;
        Assert.Equal("7", changed.Metadata.ResourceVersion);
        Assert.Equal(["10.244.0.2", "10.244.0.3"], changed.Subsets!.Single().Addresses!.Select(a => a.Ip));
        Assert.Null(changed.Metadata.Annotations);
    }

    [Fact]
    public void A_service_label_change_alone_rewrites_the_endpoints()
    {
        var service = Service();
        var pods = new[] { Pod("a", "10.244.0.2") };
        var stored = EndpointsBuilder.Desired(service, null, EndpointsBuilder.Subsets(service, pods), null)!;
        service.Metadata.Labels!["team"] = "b";

        var updated = EndpointsBuilder.Desired(service, stored, EndpointsBuilder.Subsets(service, pods), null);

        Assert.Equal("b", updated!.Metadata.Labels!["team"]);
    }

    [Fact]
    public void More_than_a_thousand_addresses_are_truncated_ready_ones_first_and_annotated()
    {
        var service = Service();
        var pods = Enumerable.Range(0, 1100).Select(i => Pod($"p{i}", $"10.244.{i / 250}.{(i % 250) + 1}", ready: i < 600)).ToList();

        var endpoints = EndpointsBuilder.Desired(service, null, EndpointsBuilder.Subsets(service, pods), null)!;

        var subset = Assert.Single(endpoints.Subsets!);
        Assert.Equal(600, subset.Addresses!.Count);
        Assert.Equal(400, subset.NotReadyAddresses!.Count);
        Assert.Equal("truncated", endpoints.Metadata.Annotations!["endpoints.kubernetes.io/over-capacity"]);
    }
}
