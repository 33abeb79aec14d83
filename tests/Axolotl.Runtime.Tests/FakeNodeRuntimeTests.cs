using Axolotl.Runtime;
using Axolotl.Runtime.Fake;
using Axolotl.Runtime.Network;
using Axolotl.Testing;

namespace Axolotl.Runtime.Tests;

/// <summary>The fake runtime as `--runtime fake` nodes use it: addresses from the node's CIDR, no recorded starts (their probes: FakeProbeRunnerTests in Agent.Tests).</summary>
public sealed class FakeNodeRuntimeTests
{
    private readonly FakeTimeProvider _time = new();

    private static PodSandboxSpec Sandbox(string uid) => new(uid, "default", uid, uid);

    private static ContainerSpec Spec(string uid) => new(uid, "main", ["app"], new Dictionary<string, string>(), null, string.Empty);

    [Fact]
    public async Task Pod_IPs_come_from_the_nodes_pod_CIDR_after_the_gateway_and_stay_with_their_pod()
    {
        var runtime = new FakeRuntime(_time, new PodCidr("10.244.7.0/24"));

        var first = await runtime.CreateSandboxAsync(Sandbox("a"), CancellationToken.None);
        var second = await runtime.CreateSandboxAsync(Sandbox("b"), CancellationToken.None);
        var again = await runtime.CreateSandboxAsync(Sandbox("a"), CancellationToken.None);

        Assert.Equal("10.244.7.2", first.Ip);
        Assert.Equal("10.244.7.3", second.Ip);
        Assert.Equal(first, again);
    }

    [Fact]
    public async Task A_removed_sandbox_frees_its_address_for_the_next_pod()
    {
        var runtime = new FakeRuntime(_time, new PodCidr("10.244.7.0/24"));
        var first = await runtime.CreateSandboxAsync(Sandbox("a"), CancellationToken.None);
        await runtime.CreateSandboxAsync(Sandbox("b"), CancellationToken.None);

        await runtime.RemoveSandboxAsync(first, CancellationToken.None);
        await runtime.RemoveSandboxAsync(first, CancellationToken.None);
        var next = await runtime.CreateSandboxAsync(Sandbox("c"), CancellationToken.None);

        Assert.Equal("10.244.7.2", next.Ip);
        Assert.Equal(2, runtime.Sandboxes.Count);
    }

    [Fact]
    public async Task Removing_a_sandbox_ends_its_containers_and_only_its_own()
    {
        var runtime = new FakeRuntime(_time, new PodCidr("10.244.7.0/24"));
        var a = await runtime.CreateSandboxAsync(Sandbox("a"), CancellationToken.None);
        var b = await runtime.CreateSandboxAsync(Sandbox("b"), CancellationToken.None);
        var inA = await runtime.StartAsync(a, Spec("a"), CancellationToken.None);
        var inB = await runtime.StartAsync(b, Spec("b"), CancellationToken.None);
        var waitA = runtime.WaitAsync(inA, CancellationToken.None);

        await runtime.RemoveSandboxAsync(a, CancellationToken.None);

        Assert.Equal(137, (await waitA).ExitCode);
        Assert.Equal([inB], runtime.Running);
    }

    [Fact]
    public void A_full_range_refuses_another_address_until_one_is_freed()
    {
        // A /30 has one pod address after the gateway.
        var addresses = new FakePodAddresses(new PodCidr("10.244.9.0/30"));

        Assert.Equal("10.244.9.2", addresses.Allocate("a"));
        var error = Assert.Throws<InvalidOperationException>(() => addresses.Allocate("b"));
        addresses.Release("a");

        Assert.Contains("no free pod address", error.Message, StringComparison.Ordinal);
        Assert.Equal("10.244.9.2", addresses.Allocate("b"));
        Assert.Equal(1, addresses.Count);
    }

    [Fact]
    public async Task A_fake_node_runtime_keeps_no_record_of_starts_while_a_test_runtime_does()
    {
        var node = new FakeRuntime(_time, new PodCidr("10.244.7.0/24"));
        var test = new FakeRuntime(_time);
        foreach (var runtime in new[] { node, test })
        {
            var sandbox = await runtime.CreateSandboxAsync(Sandbox("a"), CancellationToken.None);
            await runtime.StartAsync(sandbox, Spec("a"), CancellationToken.None);
        }

        Assert.Empty(node.Started);
        Assert.Single(test.Started);
        Assert.Single(node.Running);
    }

    [Fact]
    public async Task Containers_of_a_fake_node_run_until_stopped_whatever_the_clock_says()
    {
        var runtime = new FakeRuntime(_time, new PodCidr("10.244.7.0/24"));
        var sandbox = await runtime.CreateSandboxAsync(Sandbox("a"), CancellationToken.None);
        var handle = await runtime.StartAsync(sandbox, Spec("a"), CancellationToken.None);
        var wait = runtime.WaitAsync(handle, CancellationToken.None);

        _time.Advance(TimeSpan.FromDays(30));
        Assert.False(wait.IsCompleted);
        await runtime.StopAsync(handle, TimeSpan.FromSeconds(30), CancellationToken.None);

        Assert.Equal(143, (await wait).ExitCode);
    }
}
