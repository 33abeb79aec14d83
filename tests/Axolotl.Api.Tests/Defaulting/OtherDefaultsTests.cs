using Axolotl.Api.Core;
using Axolotl.Api.Defaulting;
using Axolotl.Api.Discovery;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.Tests.Defaulting;

public sealed class OtherDefaultsTests
{
    [Fact]
    public void A_cluster_ip_service_gets_type_affinity_protocols_target_ports_and_single_stack_ipv4()
    {
        var service = KubeJson.Deserialize<Service>("""{"metadata":{"name":"s"},"spec":{"selector":{"app":"web"},"ports":[{"port":80},{"port":53,"protocol":"UDP","targetPort":"dns"}]}}""")!;
        ObjectDefaulter.Apply(service);
        var spec = service.Spec!;
        Assert.Equal("ClusterIP", spec.Type);
        Assert.Equal("None", spec.SessionAffinity);
        Assert.Equal("TCP", spec.Ports![0].Protocol);
        Assert.Equal(IntOrString.FromInt(80), spec.Ports[0].TargetPort);
        Assert.Equal(IntOrString.FromString("dns"), spec.Ports[1].TargetPort);
        Assert.Equal("Cluster", spec.InternalTrafficPolicy);
        Assert.Null(spec.ExternalTrafficPolicy);
        Assert.Equal("SingleStack", spec.IpFamilyPolicy);
        Assert.Equal(["IPv4"], spec.IpFamilies!);
    }

    [Fact]
    public void Node_port_and_load_balancer_services_get_an_external_traffic_policy()
    {
        var service = KubeJson.Deserialize<Service>("""{"metadata":{"name":"s"},"spec":{"type":"LoadBalancer","ports":[{"port":80}]},"status":{"loadBalancer":{"ingress":[{"ip":"1.2.3.4"}]}}}""")!;
        ObjectDefaulter.Apply(service);
        Assert.Equal("Cluster", service.Spec!.ExternalTrafficPolicy);
        Assert.True(service.Spec.AllocateLoadBalancerNodePorts);
        // Not defaulted to VIP: ingress[0].* must print only the address (the seed's URL jsonpath).
        Assert.Null(service.Status!.LoadBalancer!.Ingress![0].IpMode);
    }

    [Fact]
    public void Client_ip_affinity_gets_a_three_hour_timeout_and_none_drops_the_config()
    {
        var sticky = KubeJson.Deserialize<Service>("""{"metadata":{"name":"s"},"spec":{"sessionAffinity":"ClientIP","ports":[{"port":80}]}}""")!;
        ObjectDefaulter.Apply(sticky);
        Assert.Equal(10800, sticky.Spec!.SessionAffinityConfig!.ClientIP!.TimeoutSeconds);

        var plain = KubeJson.Deserialize<Service>("""{"metadata":{"name":"s"},"spec":{"sessionAffinityConfig":{"clientIP":{"timeoutSeconds":5}},"ports":[{"port":80}]}}""")!;
        ObjectDefaulter.Apply(plain);
        Assert.Null(plain.Spec!.SessionAffinityConfig);
    }

    [Fact]
    public void Cluster_ip_and_cluster_ips_are_kept_in_step()
    {
        var headless = KubeJson.Deserialize<Service>("""{"metadata":{"name":"s"},"spec":{"clusterIP":"None","ports":[{"port":80}]}}""")!;
        ObjectDefaulter.Apply(headless);
        Assert.Equal(["None"], headless.Spec!.ClusterIPs!);

        var byList = KubeJson.Deserialize<Service>("""{"metadata":{"name":"s"},"spec":{"clusterIPs":["10.96.0.9"],"ports":[{"port":80}]}}""")!;
        ObjectDefaulter.Apply(byList);
        Assert.Equal("10.96.0.9", byList.Spec!.ClusterIP);
    }

    [Fact]
    public void External_name_services_get_no_ip_families()
    {
        var service = KubeJson.Deserialize<Service>("""{"metadata":{"name":"s"},"spec":{"type":"ExternalName","externalName":"example.com"}}""")!;
        ObjectDefaulter.Apply(service);
        Assert.Null(service.Spec!.IpFamilies);
        Assert.Null(service.Spec.IpFamilyPolicy);
        Assert.Null(service.Spec.InternalTrafficPolicy);
    }

    [Fact]
    public void An_update_keeps_the_allocated_addresses_and_node_ports_when_the_client_omits_them()
    {
        var old = KubeJson.Deserialize<Service>(Kinds.Manifests.Service)!;
        var updated = KubeJson.Deserialize<Service>("""{"metadata":{"name":"web"},"spec":{"type":"LoadBalancer","ports":[{"name":"http","port":80,"protocol":"TCP"}]}}""")!;
        ServiceDefaults.KeepAllocatedValues(updated, old);
        Assert.Equal("10.96.12.34", updated.Spec!.ClusterIP);
        Assert.Equal(31080, updated.Spec.Ports![0].NodePort);
        Assert.Equal(["IPv4"], updated.Spec.IpFamilies!);
    }

    [Fact]
    public void Namespaces_are_labelled_with_their_name_and_start_active()
    {
        var ns = KubeJson.Deserialize<Namespace>("""{"metadata":{"name":"team-a"}}""")!;
        ObjectDefaulter.Apply(ns);
        Assert.Equal("team-a", ns.Metadata.Labels!["kubernetes.io/metadata.name"]);
        Assert.Equal("Active", ns.Status!.Phase);
        Assert.Null(ns.Spec);
    }

    [Fact]
    public void New_namespaces_get_the_kubernetes_finalizer_but_updates_do_not_restore_it()
    {
        var ns = KubeJson.Deserialize<Namespace>("""{"metadata":{"name":"team-a"}}""")!;
        ObjectDefaulter.Apply(ns);
        ObjectDefaulter.PrepareForCreate(ns);
        Assert.Equal(["kubernetes"], ns.Spec!.Finalizers!);

        ns.Spec.Finalizers!.Clear();
        ObjectDefaulter.Apply(ns);
        Assert.Empty(ns.Spec.Finalizers!);
    }

    [Fact]
    public void Only_the_kinds_that_say_they_prepare_on_create_change_there()
    {
        // The admission chain keeps a create's JSON encoded before PrepareForCreate when the kind says it prepares
        // nothing: a kind that starts preparing something must say so.
        foreach (var type in KnownResources.All.Select(t => t.ClrType).Distinct())
        {
            if (type.IsAbstract || type.GetConstructor(Type.EmptyTypes) is null || Activator.CreateInstance(type) is not KubeObject obj)
            {
                continue;
            }
            obj.Metadata = new() { Name = "x", Uid = "0b9e3c5e-7f43-4a0e-9d6f-5d2f1c1f0a11" };
            ObjectDefaulter.Apply(obj);
            var before = KubeJson.ToNode(obj, type).ToJsonString();
            ObjectDefaulter.PrepareForCreate(obj);
            var after = KubeJson.ToNode(obj, type).ToJsonString();
            Assert.True(ObjectDefaulter.PreparesOnCreate(obj) || before == after, $"{type.Name} changes in PrepareForCreate but PreparesOnCreate says no");
        }
        Assert.True(ObjectDefaulter.PreparesOnCreate(new Namespace()));
        Assert.True(ObjectDefaulter.PreparesOnCreate(new Axolotl.Api.Batch.Job()));
        Assert.False(ObjectDefaulter.PreparesOnCreate(new Event()));
    }

    [Fact]
    public void Secrets_default_to_opaque()
    {
        var secret = KubeJson.Deserialize<Secret>("""{"metadata":{"name":"s"}}""")!;
        ObjectDefaulter.Apply(secret);
        Assert.Equal("Opaque", secret.Type);
    }

    [Fact]
    public void String_data_is_folded_into_data_and_wins_on_a_clash()
    {
        var secret = KubeJson.Deserialize<Secret>("""{"metadata":{"name":"s"},"data":{"a":"b2xk","keep":"eA=="},"stringData":{"a":"new"}}""")!;
        ObjectDefaulter.Apply(secret);
        Assert.Null(secret.StringData);
        Assert.Equal("new", System.Text.Encoding.UTF8.GetString(secret.Data!["a"]));
        Assert.Equal("x", System.Text.Encoding.UTF8.GetString(secret.Data["keep"]));
    }

    [Fact]
    public void Node_allocatable_defaults_to_capacity()
    {
        var node = KubeJson.Deserialize<Node>("""{"metadata":{"name":"n"},"status":{"capacity":{"cpu":"2","memory":"4Gi"}}}""")!;
        ObjectDefaulter.Apply(node);
        Assert.Equal("4Gi", node.Status!.Allocatable!["memory"].ToString());
    }

    [Fact]
    public void Endpoint_ports_default_to_tcp_and_slice_ports_to_an_empty_name()
    {
        var endpoints = KubeJson.Deserialize<Endpoints>("""{"metadata":{"name":"e"},"subsets":[{"addresses":[{"ip":"10.0.0.1"}],"ports":[{"port":80}]}]}""")!;
        ObjectDefaulter.Apply(endpoints);
        Assert.Equal("TCP", endpoints.Subsets![0].Ports![0].Protocol);

        var slice = KubeJson.Deserialize<EndpointSlice>("""{"metadata":{"name":"e"},"addressType":"IPv4","endpoints":[],"ports":[{"port":80}]}""")!;
        ObjectDefaulter.Apply(slice);
        Assert.Equal(("", "TCP"), (slice.Ports![0].Name, slice.Ports[0].Protocol));
    }

    [Fact]
    public void Container_limit_ranges_default_limits_to_max_and_requests_to_the_default_or_min()
    {
        var limitRange = KubeJson.Deserialize<LimitRange>("""
            {"metadata":{"name":"l"},"spec":{"limits":[{"type":"Container","max":{"cpu":"2"},"min":{"memory":"64Mi"}},{"type":"Pod","max":{"cpu":"4"}}]}}
            """)!;
        ObjectDefaulter.Apply(limitRange);
        var container = limitRange.Spec!.Limits[0];
        Assert.Equal("2", container.Default!["cpu"].ToString());
        Assert.Equal("2", container.DefaultRequest!["cpu"].ToString());
        Assert.Equal("64Mi", container.DefaultRequest["memory"].ToString());
        Assert.Null(limitRange.Spec.Limits[1].Default);
    }
}
