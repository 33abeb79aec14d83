using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Admission;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Registry;
using Axolotl.Storage.Memory;
using Axolotl.Testing;

namespace Axolotl.ApiServer.Tests.Admission;

/// <summary>Cluster IPs and node ports claimed in the store: never one value for two Services, however many allocators share it.</summary>
public sealed class ServiceRangeClaimsTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public async Task Concurrent_allocations_by_several_allocators_on_one_store_never_share_an_ip_or_a_port()
    {
        var objects = new ObjectStore(new InMemoryStore());
        // Three "API servers" on one store, a small range so that picks collide often.
        var allocators = Enumerable.Range(0, 3).Select(_ => new ServiceAllocator(objects, "10.96.7.0/27", _clock)).ToList();
        var services = Enumerable.Range(0, 24).Select(i => Service($"s{i}", null, nodePort: null)).ToList();

        // None of the Services is written yet: only the claims keep them apart.
        await Task.WhenAll(services.Select((service, i) => Task.Run(() => allocators[i % 3].AllocateAsync(service, null, CancellationToken.None))));

        var ips = services.Select(s => s["spec"]!["clusterIP"]!.GetValue<string>()).ToList();
        var ports = services.Select(s => s["spec"]!["ports"]![0]!["nodePort"]!.GetValue<int>()).ToList();
        Assert.Equal(ips.Count, ips.Distinct().Count());
        Assert.Equal(ports.Count, ports.Distinct().Count());
    }

    [Fact]
    public async Task A_requested_ip_or_port_claimed_by_a_request_in_flight_is_already_allocated()
    {
        var objects = new ObjectStore(new InMemoryStore());
        var first = new ServiceAllocator(objects, "10.96.7.0/24", _clock);
        var second = new ServiceAllocator(objects, "10.96.7.0/24", _clock);
        await first.AllocateAsync(Service("a", "10.96.7.50", 30123), null, CancellationToken.None);

        var ip = await Assert.ThrowsAsync<ApiException>(() => second.AllocateAsync(Service("b", "10.96.7.50", null), null, CancellationToken.None));
        Assert.Contains("failed to allocate IP 10.96.7.50: provided IP is already allocated", ip.Message, StringComparison.Ordinal);
        var port = await Assert.ThrowsAsync<ApiException>(() => second.AllocateAsync(Service("c", null, 30123), null, CancellationToken.None));
        Assert.Contains("provided port is already allocated", port.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_claim_whose_service_never_came_or_is_gone_is_free_again_after_the_grace()
    {
        var objects = new ObjectStore(new InMemoryStore());
        var allocator = new ServiceAllocator(objects, "10.96.7.0/24", _clock);
        // "a" is allocated, written, then deleted; "b" was allocated but its write never happened.
        var a = Service("a", "10.96.7.60", 30200);
        await allocator.AllocateAsync(a, null, CancellationToken.None);
        await objects.CreateAsync(KnownResources.Services, a, CancellationToken.None);
        await allocator.AllocateAsync(Service("b", "10.96.7.61", null), null, CancellationToken.None);
        var stored = await objects.GetAsync(KnownResources.Services, "default", "a", CancellationToken.None);
        await objects.DeleteAsync(KnownResources.Services, "default", "a", stored!.Revision, CancellationToken.None);

        _clock.Advance(ServiceRangeClaims.InFlightGrace + TimeSpan.FromSeconds(1));

        await allocator.AllocateAsync(Service("c", "10.96.7.60", 30200), null, CancellationToken.None);
        await allocator.AllocateAsync(Service("d", "10.96.7.61", null), null, CancellationToken.None);
    }

    [Fact]
    public async Task A_live_service_keeps_its_claim_after_the_grace_and_a_dry_run_claims_nothing()
    {
        var objects = new ObjectStore(new InMemoryStore());
        var allocator = new ServiceAllocator(objects, "10.96.7.0/24", _clock);
        var a = Service("a", "10.96.7.70", null);
        await allocator.AllocateAsync(a, null, CancellationToken.None);
        await objects.CreateAsync(KnownResources.Services, a, CancellationToken.None);
        await allocator.AllocateAsync(Service("dry", "10.96.7.71", null), null, CancellationToken.None, reserve: false);
        _clock.Advance(TimeSpan.FromMinutes(5));

        var error = await Assert.ThrowsAsync<ApiException>(() => allocator.AllocateAsync(Service("b", "10.96.7.70", null), null, CancellationToken.None));
        Assert.Contains("provided IP is already allocated", error.Message, StringComparison.Ordinal);
        Assert.Null(await objects.Store.GetAsync(ServiceRangeClaims.IpKey("10.96.7.71"), CancellationToken.None));
    }

    [Fact]
    public async Task Of_concurrent_requests_for_one_node_port_exactly_one_succeeds()
    {
        for (var round = 0; round < 30; round++)
        {
            var objects = new ObjectStore(new InMemoryStore());
            var allocators = Enumerable.Range(0, 4).Select(_ => new ServiceAllocator(objects, "10.96.7.0/24", _clock)).ToList();
            var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
            {
                var service = Service($"p{i}", null, 31999);
                try
                {
                    await allocators[i].AllocateAsync(service, null, CancellationToken.None);
                    await objects.CreateAsync(KnownResources.Services, service, CancellationToken.None);
                    return "ok";
                }
                catch (ApiException e)
                {
                    return e.Message;
                }
            })));
            Assert.True(results.Count(r => r == "ok") == 1, string.Join(" | ", results));
        }
    }

    private static JsonObject Service(string name, string? clusterIp, int? nodePort)
    {
        var port = new JsonObject { ["port"] = 80 };
        if (nodePort is not null)
        {
            port["nodePort"] = nodePort;
        }
        var spec = new JsonObject { ["type"] = "NodePort", ["ports"] = new JsonArray(port) };
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
