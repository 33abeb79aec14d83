using Axolotl.Agent.Tests.Images;
using Axolotl.Agent.Probes.Probers;
using Axolotl.Agent.Restart;
using Axolotl.Api.Core;
using Axolotl.Client;
using Axolotl.Images;
using Axolotl.Runtime.Fake;
using Axolotl.Runtime.Network;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Agent.Tests.Runtime;

/// <summary>Two fake nodes in one process against the in-process API server, as `axolotl agent --fake-nodes` runs them (one image store between them).</summary>
[Trait("Category", "Integration")]
public sealed class FakeNodesIntegrationTests : IAsyncLifetime
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("axolotl-fake-nodes-").FullName;
    private readonly List<NodeAgent> _agents = [];
    private InProcessCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = await InProcessCluster.StartAsync();
        // One image store for both, as `--fake-nodes` opens it: the seed layout is imported once.
        var images = await NodeAgent.OpenImagesAsync(new AgentOptions { DataDir = _dataDir }, await TestImageLayout.OptionsAsync(_dataDir),
            TimeProvider.System, NullLoggerFactory.Instance, CancellationToken.None);
        foreach (var (name, cidr) in new[] { ("fake-0", "10.244.10.0/24"), ("fake-1", "10.244.11.0/24") })
        {
            var options = new AgentOptions { NodeName = name, DataDir = Path.Combine(_dataDir, name), NodeIp = "127.0.0.1", PodCidr = cidr };
            _agents.Add(await NodeAgent.StartAsync(Client, options, new FakeRuntime(TimeProvider.System, new PodCidr(cidr)), new RestartBackoffOptions(),
                NullLoggerFactory.Instance, TimeProvider.System, CancellationToken.None, new FakeProbeRunner(), sharedImages: images));
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }
        await _cluster.DisposeAsync();
        Directory.Delete(_dataDir, recursive: true);
    }

    private KubeClient Client => _cluster.Client;

    private static Pod ProbedPod(string name, string node) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new() { Name = name, Namespace = "default" },
        Spec = new PodSpec
        {
            NodeName = node,
            TerminationGracePeriodSeconds = 5,
            Containers =
            [
                new Container
                {
                    Name = "web",
                    Image = "nginx:1.25",
                    // Nothing listens anywhere: only the fake prober can pass these.
                    ReadinessProbe = new Probe { HttpGet = new HTTPGetAction { Path = "/", Port = 80 }, PeriodSeconds = 1 },
                    LivenessProbe = new Probe { Exec = new ExecAction { Command = ["false"] }, PeriodSeconds = 1, FailureThreshold = 1 },
                },
            ],
        },
    };

    private async Task<Pod> WaitForAsync(string name, Func<Pod, bool> condition, string what) =>
        (await Eventually.UntilAsync(() => Client.Resource<Pod>().TryGetAsync("default", name, CancellationToken.None), pod => pod is not null && condition(pod),
            $"pod {name} to get {what}", pod => $"status: {Api.Serialization.KubeJson.Serialize(pod?.Status)}"))!;

    [Fact]
    public async Task Each_fake_node_registers_its_own_Ready_node_with_its_pod_CIDR()
    {
        foreach (var (name, cidr) in new[] { ("fake-0", "10.244.10.0/24"), ("fake-1", "10.244.11.0/24") })
        {
            var node = await Client.GetAsync<Api.Core.Node>(null, name, CancellationToken.None);
            Assert.Equal(cidr, node.Spec!.PodCIDR);
            Assert.Equal("True", node.Status!.Conditions!.Single(c => c.Type == "Ready").Status);
        }
    }

    [Fact]
    public async Task A_probed_pod_on_a_fake_node_turns_Ready_with_an_IP_of_that_node_and_is_never_killed()
    {
        await Client.CreateAsync(ProbedPod("web", "fake-1"), CancellationToken.None);

        var pod = await WaitForAsync("web", p => p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true, "Ready");
        await _agents[1].Context.Events.FlushAsync(CancellationToken.None);
        var events = await Client.Resource<Event>().ListAsync("default", null, CancellationToken.None);

        Assert.Equal("Running", pod.Status!.Phase);
        Assert.StartsWith("10.244.11.", pod.Status.PodIP, StringComparison.Ordinal);
        Assert.Equal(0, pod.Status.ContainerStatuses![0].RestartCount);
        // The liveness probe (`false`, threshold 1) has run by the time readiness passed: a real prober would have failed it.
        Assert.DoesNotContain(events.Items, e => e.Reason is "Unhealthy" or "Killing");
        Assert.Null(_agents[0].Pods.Find(pod.Metadata.Uid!));
        Assert.NotNull(_agents[1].Pods.Find(pod.Metadata.Uid!));
    }

    [Fact]
    public async Task Pods_of_the_same_image_run_on_both_nodes_from_their_one_image_store()
    {
        await Client.CreateAsync(ProbedPod("shared-0", "fake-0"), CancellationToken.None);
        await Client.CreateAsync(ProbedPod("shared-1", "fake-1"), CancellationToken.None);

        foreach (var (name, subnet) in new[] { ("shared-0", "10.244.10."), ("shared-1", "10.244.11.") })
        {
            var pod = await WaitForAsync(name, p => p.Status?.Phase == "Running", "Running");
            Assert.StartsWith(subnet, pod.Status!.PodIP, StringComparison.Ordinal);
        }
        Assert.Same(_agents[0].Context.Images, _agents[1].Context.Images);
    }
}
