using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Admission;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Registry;
using Axolotl.Storage.Memory;

namespace Axolotl.ApiServer.Tests.Admission;

public sealed class ServiceAllocatorRangeTests
{
    [Fact]
    public async Task Cluster_ips_come_from_the_configured_range_and_skip_its_reserved_addresses()
    {
        var objects = new ObjectStore(new InMemoryStore());
        var allocator = new ServiceAllocator(objects, "10.96.7.0/28");
        var seen = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            var service = Service($"s{i}", null);
            await allocator.AllocateAsync(service, null, CancellationToken.None);
            await objects.CreateAsync(KnownResources.Services, service, CancellationToken.None);
            seen.Add(service["spec"]!["clusterIP"]!.GetValue<string>());
        }

        // A /28 holds .0-.15: network .0, the API server's .1, the DNS's .10 and broadcast .15 are never handed out.
        Assert.Equal(
            ["10.96.7.11", "10.96.7.12", "10.96.7.13", "10.96.7.14", "10.96.7.2", "10.96.7.3", "10.96.7.4", "10.96.7.5", "10.96.7.6", "10.96.7.7", "10.96.7.8", "10.96.7.9"],
            seen.Order(StringComparer.Ordinal));
        var full = await Assert.ThrowsAsync<ApiException>(() => allocator.AllocateAsync(Service("s12", null), null, CancellationToken.None));
        Assert.Contains("range is full", full.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.96.8.5", "provided IP is not in the valid range. The range of valid IPs is 10.96.7.0/24")]
    [InlineData("10.96.7.10", "provided IP is already allocated")]
    public async Task A_requested_cluster_ip_outside_the_range_or_reserved_is_invalid(string requested, string message)
    {
        var allocator = new ServiceAllocator(new ObjectStore(new InMemoryStore()), "10.96.7.0/24");

        var error = await Assert.ThrowsAsync<ApiException>(() => allocator.AllocateAsync(Service("web", requested), null, CancellationToken.None));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.96.0.0")]
    [InlineData("10.96.0.0/8")]
    [InlineData("10.96.0.0/31")]
    [InlineData("fd00::/64")]
    public void A_service_cidr_that_is_not_ipv4_between_12_and_30_bits_is_refused(string cidr) =>
        Assert.Throws<ArgumentException>(() => ServiceAllocator.ParseCidr(cidr));

    private static JsonObject Service(string name, string? clusterIp)
    {
        var spec = new JsonObject { ["type"] = "ClusterIP", ["ports"] = new JsonArray(new JsonObject { ["port"] = 80 }) };
        if (clusterIp is not null)
        {
            spec["clusterIP"] = clusterIp;
        }
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Service",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default" },
            ["spec"] = spec,
        };
    }
}
