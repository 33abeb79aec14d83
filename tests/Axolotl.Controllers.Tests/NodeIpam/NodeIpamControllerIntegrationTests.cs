using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Client;
using Axolotl.Controllers.NodeIpam;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Controllers.Tests.NodeIpam;

/// <summary>The node IPAM controller against the real API server over HTTPS: concurrent registrations, restarts, deletions, exhaustion.</summary>
[Trait("Category", "Integration")]
public sealed class NodeIpamControllerIntegrationTests : IAsyncLifetime
{
    private InProcessCluster? _cluster;
    private readonly List<NodeIpamController> _controllers = [];

    private KubeClient Client => _cluster!.Client;

    public async Task InitializeAsync() => _cluster = await InProcessCluster.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var controller in _controllers)
        {
            await controller.DisposeAsync();
        }
        await _cluster!.DisposeAsync();
    }

    [Fact]
    public async Task Many_nodes_registering_at_once_each_get_a_different_cidr_and_existing_ones_are_kept()
    {
        await CreateNodeAsync("kept-a", "10.244.0.0/24");
        await CreateNodeAsync("kept-b", "10.244.2.0/24");
        Start(new NodeIpamOptions());

        var names = Enumerable.Range(0, 40).Select(i => $"node-{i}").ToList();
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (name, ct) => await CreateNodeAsync(name, null));

        var nodes = await Eventually.UntilAsync(ListAsync, list => list.Count == 42 && list.All(n => RangeAllocator.CidrOf(n) is not null), "every node to have a pod CIDR");
        var cidrs = nodes.Select(n => RangeAllocator.CidrOf(n)!).ToList();
        Assert.Equal(42, cidrs.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal("10.244.0.0/24", nodes.Single(n => n.Metadata.Name == "kept-a").Spec!.PodCIDR);
        Assert.Equal("10.244.2.0/24", nodes.Single(n => n.Metadata.Name == "kept-b").Spec!.PodCIDR);
        Assert.All(nodes, n => Assert.Equal([n.Spec!.PodCIDR!], n.Spec.PodCIDRs!));
        Assert.All(cidrs, c => Assert.StartsWith("10.244.", c, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_restarted_controller_rebuilds_from_the_nodes_and_a_deleted_nodes_cidr_is_released()
    {
        var first = Start(new NodeIpamOptions { ClusterCidr = "10.50.0.0/22", NodeCidrMaskSize = 24 });
        foreach (var name in new[] { "a", "b", "c" })
        {
            await CreateNodeAsync(name, null);
        }
        var assigned = await Eventually.UntilAsync(ListAsync, list => list.Count(n => RangeAllocator.CidrOf(n) is not null) == 3, "three assignments");
        await first.DisposeAsync();
        _controllers.Remove(first);

        // A new controller knows nothing but what the Nodes say: the fourth subnet is the only one left.
        var second = Start(new NodeIpamOptions { ClusterCidr = "10.50.0.0/22", NodeCidrMaskSize = 24 });
        await CreateNodeAsync("d", null);
        var d = await Eventually.UntilAsync(() => Client.GetAsync<Node>(null, "d", CancellationToken.None), n => RangeAllocator.CidrOf(n) is not null, "d's CIDR");
        Assert.DoesNotContain(d.Spec!.PodCIDR, assigned.Select(n => n.Spec?.PodCIDR));

        // Full: a fifth node waits with an event, and gets b's subnet once b is deleted.
        await CreateNodeAsync("e", null);
        await Eventually.UntilAsync(() => EventsAsync("e"), list => list.Any(ev => ev.Reason == "CIDRNotAvailable"), "the CIDRNotAvailable event");
        var bCidr = assigned.Single(n => n.Metadata.Name == "b").Spec!.PodCIDR;
        await Client.Resource<Node>().DeleteAsync(null, "b", null, CancellationToken.None);
        var e = await Eventually.UntilAsync(() => Client.GetAsync<Node>(null, "e", CancellationToken.None), n => RangeAllocator.CidrOf(n) is not null, "e's CIDR after b was deleted");
        Assert.Equal(bCidr, e.Spec!.PodCIDR);
        var events = await EventsAsync("e");
        var ev = events.First(ev => ev.Reason == "CIDRNotAvailable");
        Assert.Equal("Normal", ev.Type);
        Assert.Equal("Node e status is now: CIDRNotAvailable", ev.Message);
        Assert.Equal("cidrAllocator", ev.Source?.Component);
        Assert.NotNull(second.Allocator);
        Assert.Null(second.Allocator!.HeldBy("b"));
    }

    [Fact]
    public async Task A_node_that_registers_with_an_explicit_cidr_keeps_it_and_it_is_not_given_to_another()
    {
        await CreateNodeAsync("explicit", "10.60.0.0/24");
        Start(new NodeIpamOptions { ClusterCidr = "10.60.0.0/23", NodeCidrMaskSize = 24 });
        await CreateNodeAsync("auto", null);

        var auto = await Eventually.UntilAsync(() => Client.GetAsync<Node>(null, "auto", CancellationToken.None), n => RangeAllocator.CidrOf(n) is not null, "auto's CIDR");
        Assert.Equal("10.60.1.0/24", auto.Spec!.PodCIDR);
        Assert.Equal("10.60.0.0/24", (await Client.GetAsync<Node>(null, "explicit", CancellationToken.None)).Spec!.PodCIDR);
    }

    private NodeIpamController Start(NodeIpamOptions options)
    {
        var controller = new NodeIpamController(Client, options, NullLoggerFactory.Instance, TimeProvider.System);
        controller.Start(CancellationToken.None);
        _controllers.Add(controller);
        return controller;
    }

    private Task<Node> CreateNodeAsync(string name, string? cidr) => Client.CreateAsync(new Node
    {
        ApiVersion = "v1",
        Kind = "Node",
        Metadata = new ObjectMeta { Name = name },
        Spec = cidr is null ? new NodeSpec() : new NodeSpec { PodCIDR = cidr, PodCIDRs = [cidr] },
    }, CancellationToken.None);

    private async Task<IReadOnlyList<Node>> ListAsync() => (await Client.Resource<Node>().ListAsync(null, null, CancellationToken.None)).Items;

    private async Task<IReadOnlyList<Event>> EventsAsync(string node) =>
        [.. (await Client.Resource<Event>().ListAsync("default", null, CancellationToken.None)).Items.Where(e => e.InvolvedObject?.Name == node)];
}
