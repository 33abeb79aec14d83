using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Resources;
using Axolotl.Client;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Scheduler.Tests;

/// <summary>The scheduler against the real API server over HTTPS, with two Node objects and no agents.</summary>
[Trait("Category", "Integration")]
public sealed class SchedulerIntegrationTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private InProcessCluster _cluster = null!;
    private SchedulerService _scheduler = null!;
    private string _ns = null!;

    private KubeClient Client => _cluster.Client;

    public async Task InitializeAsync()
    {
        _cluster = await InProcessCluster.StartAsync();
        _ns = "sched-" + Guid.NewGuid().ToString("N")[..8];
        await Client.CreateAsync(new Namespace { Metadata = new ObjectMeta { Name = _ns } }, CancellationToken.None);
        await CreateNodeAsync("node-a", memory: "4Gi");
        await CreateNodeAsync("node-b", memory: "4Gi");
        _scheduler = await SchedulerService.StartAsync(Client, NullLoggerFactory.Instance, TimeProvider.System, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _scheduler.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task Pods_are_bound_spread_and_kept_off_cordoned_nodes_and_a_too_big_pod_stays_pending_with_the_reason()
    {
        // Two replicas of one owner land on different nodes, with PodScheduled=True and a Scheduled event each.
        await CreatePodAsync("web-1", "100m", "128Mi", owner: "rs-web");
        await CreatePodAsync("web-2", "100m", "128Mi", owner: "rs-web");
        var web1 = await WaitForPodAsync("web-1", p => !string.IsNullOrEmpty(p.Spec?.NodeName));
        var web2 = await WaitForPodAsync("web-2", p => !string.IsNullOrEmpty(p.Spec?.NodeName));
        Assert.NotEqual(web1.Spec!.NodeName, web2.Spec!.NodeName);
        Assert.Contains(web1.Status!.Conditions!, c => c.Type == "PodScheduled" && c.Status == "True");
        var scheduled = await WaitForEventAsync("web-1", "Scheduled");
        Assert.Equal($"Successfully assigned {_ns}/web-1 to {web1.Spec.NodeName}", scheduled.Message);
        Assert.Equal("Normal", scheduled.Type);
        Assert.Equal("default-scheduler", scheduled.Source?.Component);
        Assert.Equal("default-scheduler", scheduled.ReportingComponent);
        Assert.Equal("Pod", scheduled.InvolvedObject.Kind);
        Assert.Equal(web1.Metadata.Uid, scheduled.InvolvedObject.Uid);

        // A pod larger than any node stays Pending with the condition and the event upstream writes.
        await CreatePodAsync("huge", "100m", "64Gi");
        const string tooBig = "0/2 nodes are available: 2 Insufficient memory. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.";
        var huge = await WaitForPodAsync("huge", p => p.Status?.Conditions?.Any(c => c.Type == "PodScheduled" && c.Status == "False") == true);
        var condition = huge.Status!.Conditions!.Single(c => c.Type == "PodScheduled");
        Assert.Equal("Unschedulable", condition.Reason);
        Assert.Equal(tooBig, condition.Message);
        Assert.True(string.IsNullOrEmpty(huge.Spec!.NodeName));
        var failed = await WaitForEventAsync("huge", "FailedScheduling");
        Assert.Equal("Warning", failed.Type);
        Assert.Equal(tooBig, failed.Message);

        // Cordon node-a: the pending pod is retried with the new reasons, and new pods go to node-b.
        // (That retry is also the sign that the scheduler's cache has the cordon: pods created before
        // it could still land on node-a, as on Kubernetes.)
        await Client.PatchAsync<Node>(null, "node-a", PatchType.Merge, """{"spec":{"unschedulable":true}}""", CancellationToken.None);
        await WaitForEventAsync("huge", "FailedScheduling",
            e => e.Message == "0/2 nodes are available: 1 Insufficient memory, 1 node(s) were unschedulable. "
                + "preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.");
        for (var i = 1; i <= 3; i++)
        {
            await CreatePodAsync($"after-cordon-{i}", "10m", "10Mi");
        }
        for (var i = 1; i <= 3; i++)
        {
            var pod = await WaitForPodAsync($"after-cordon-{i}", p => !string.IsNullOrEmpty(p.Spec?.NodeName));
            Assert.Equal("node-b", pod.Spec!.NodeName);
        }

        // Give node-b room: the node update re-queues the pending pod and it is bound there.
        var nodeB = await Client.GetAsync<Node>(null, "node-b", CancellationToken.None);
        nodeB.Status!.Allocatable!["memory"] = Quantity.Parse("128Gi");
        await Client.UpdateStatusAsync(nodeB, CancellationToken.None);
        huge = await WaitForPodAsync("huge", p => !string.IsNullOrEmpty(p.Spec?.NodeName));
        Assert.Equal("node-b", huge.Spec!.NodeName);
    }

    [Fact]
    public async Task A_host_port_conflict_sends_the_second_pod_to_the_other_node_and_a_third_nowhere()
    {
        for (var i = 1; i <= 3; i++)
        {
            var pod = NewPod($"port-{i}", "10m", "10Mi");
            pod.Spec!.Containers[0].Ports = [new ContainerPort { ContainerPortNumber = 8080, HostPort = 8080 }];
            await Client.CreateAsync(pod, CancellationToken.None);
        }
        var nodes = new List<string>();
        for (var i = 1; i <= 2; i++)
        {
            nodes.Add((await WaitForPodAsync($"port-{i}", p => !string.IsNullOrEmpty(p.Spec?.NodeName))).Spec!.NodeName!);
        }
        Assert.Equal(["node-a", "node-b"], nodes.Order());
        var failed = await WaitForEventAsync("port-3", "FailedScheduling");
        Assert.StartsWith("0/2 nodes are available: 2 node(s) didn't have free ports for the requested pod ports.", failed.Message);
    }

    private async Task CreateNodeAsync(string name, string memory)
    {
        var node = Build.Node(name, cpu: "2", memory: memory);
        var status = node.Status;
        var created = await Client.CreateAsync(node, CancellationToken.None);
        created.Status = status;
        await Client.UpdateStatusAsync(created, CancellationToken.None);
    }

    private Pod NewPod(string name, string cpu, string memory, string? owner = null)
    {
        var pod = Build.Pod(name, cpu, memory, _ns);
        pod.Metadata.Uid = null;
        if (owner is not null)
        {
            pod.Metadata.Labels = new() { ["app"] = owner };
        }
        return pod;
    }

    private Task<Pod> CreatePodAsync(string name, string cpu, string memory, string? owner = null) =>
        Client.CreateAsync(NewPod(name, cpu, memory, owner), CancellationToken.None);

    private Task<Pod> WaitForPodAsync(string name, Func<Pod, bool> condition) =>
        Eventually.UntilAsync(() => Client.GetAsync<Pod>(_ns, name, CancellationToken.None), condition, $"pod {name} to reach the expected state",
            pod => $"{System.Text.Json.JsonSerializer.Serialize(pod.Status)} node={pod.Spec?.NodeName}", Patience);

    private async Task<Event> WaitForEventAsync(string podName, string reason, Func<Event, bool>? condition = null)
    {
        bool Matches(Event e) => e.InvolvedObject.Name == podName && e.Reason == reason && (condition?.Invoke(e) ?? true);
        var events = await Eventually.UntilAsync(() => Client.ListAsync<Event>(_ns, null, CancellationToken.None), list => list.Items.Any(Matches), $"a {reason} event for {podName}",
            list => string.Join(" | ", list.Items.Select(e => $"{e.InvolvedObject.Name} {e.Reason}: {e.Message}")), Patience);
        return events.Items.First(Matches);
    }
}
