using Axolotl.Agent.Node;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Agent.Tests.Node;

/// <summary>A node without a pod CIDR waits for node IPAM's assignment on a watch of its Node (the in-process cluster runs no IPAM: the test assigns).</summary>
[Trait("Category", "Integration")]
public sealed class PodCidrAssignmentTests : IAsyncLifetime
{
    private InProcessCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await InProcessCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task The_assignment_arrives_through_the_watch_without_the_clock_moving()
    {
        // A clock that never advances: a poll would wait forever, so only the watch can end the wait.
        var time = new FakeTimeProvider();
        var options = new AgentOptions { NodeName = "waiting-node", DataDir = _cluster.DataDir, NodeIp = "127.0.0.1" };
        var waiting = PodCidrAssignment.AwaitAsync(_cluster.Client, options, null, "10.244.0.0/16", time, NullLogger.Instance, CancellationToken.None);

        var node = await Eventually.UntilAsync(() => _cluster.Client.Resource<Api.Core.Node>().TryGetAsync(null, "waiting-node", CancellationToken.None),
            n => n is not null, "the node to register without a pod CIDR");
        Assert.Null(PodCidrAssignment.CidrOf(node!));
        node!.Spec ??= new Api.Core.NodeSpec();
        node.Spec.PodCIDR = "10.244.7.0/24";
        node.Spec.PodCIDRs = ["10.244.7.0/24"];
        await _cluster.Client.UpdateAsync(node, CancellationToken.None);

        Assert.Equal("10.244.7.0/24", await waiting.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_cidr_outside_the_cluster_cidr_is_refused()
    {
        var options = new AgentOptions { NodeName = "outside-node", DataDir = _cluster.DataDir, NodeIp = "127.0.0.1" };
        await _cluster.Client.CreateAsync(NodeHeartbeat.NewNode(options, "192.168.5.0/24"), CancellationToken.None);

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            PodCidrAssignment.AwaitAsync(_cluster.Client, options, null, "10.244.0.0/16", new FakeTimeProvider(), NullLogger.Instance, CancellationToken.None));
        Assert.Contains("outside the cluster CIDR 10.244.0.0/16", error.Message, StringComparison.Ordinal);
    }
}
