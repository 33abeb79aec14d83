using Axolotl.Api.Core;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Admission.Quota;
using static Axolotl.ApiServer.Tests.Quota.QuotaTestObjects;

namespace Axolotl.ApiServer.Tests.Quota;

public sealed class ResourceListsTests
{
    [Fact]
    public void Pretty_printing_sorts_by_resource_name_and_writes_canonical_quantities()
    {
        Assert.Equal("limits.cpu=1,pods=2,requests.memory=1Gi", ResourceLists.PrettyPrint(List(("requests.memory", "1024Mi"), ("pods", "2"), ("limits.cpu", "1000m"))));
    }

    [Fact]
    public void A_sum_starting_from_zero_keeps_the_binary_format_of_memory()
    {
        var sum = ResourceLists.Add(List(("memory", "0")), List(("memory", "64Mi")));
        Assert.Equal("64Mi", sum["memory"].ToString());
    }

    [Fact]
    public void Less_than_or_equal_reports_only_the_limited_resources_that_are_over()
    {
        var (allowed, exceeded) = ResourceLists.LessThanOrEqual(List(("pods", "3"), ("cpu", "2"), ("secrets", "9")), List(("pods", "2"), ("cpu", "2")));
        Assert.False(allowed);
        Assert.Equal(["pods"], exceeded);
    }

    [Fact]
    public void An_update_is_charged_only_for_what_grew()
    {
        var delta = ResourceLists.RemoveZeros(ResourceLists.SubtractNonNegative(List(("services.nodeports", "2"), ("services", "1")), List(("services.nodeports", "3"), ("services", "1"))));
        Assert.Empty(delta);
    }

    [Fact]
    public void Object_counts_are_named_by_resource_and_group_with_legacy_names_for_core_kinds()
    {
        Assert.Equal("count/deployments.apps", QuotaResourceNames.ObjectCount(KnownResources.Deployments));
        var configMaps = QuotaEvaluators.For(KnownResources.ConfigMaps)!;
        Assert.Equal("configmaps=1,count/configmaps=1", ResourceLists.PrettyPrint(configMaps.Usage(new ConfigMap(), DateTimeOffset.UnixEpoch)));
        Assert.Null(QuotaEvaluators.For(KnownResources.Events));
    }

    [Fact]
    public void A_load_balancer_service_uses_a_load_balancer_and_a_node_port_per_port()
    {
        var service = new Service { Spec = new ServiceSpec { Type = "LoadBalancer", Ports = [new ServicePort { Port = 80 }, new ServicePort { Port = 443 }] } };
        Assert.Equal("count/services=1,services=1,services.loadbalancers=1,services.nodeports=2",
            ResourceLists.PrettyPrint(ServiceQuotaEvaluator.Instance.Usage(service, DateTimeOffset.UnixEpoch)));
    }
}
