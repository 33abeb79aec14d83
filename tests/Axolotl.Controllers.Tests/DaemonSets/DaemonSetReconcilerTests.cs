using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Client.Events;
using Axolotl.Controllers.DaemonSets;
using Axolotl.Controllers.ReplicaSets;
using Axolotl.Controllers.Runtime;
using Axolotl.Controllers.Tests.ReplicaSets;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Controllers.Tests.DaemonSets;

public sealed class DaemonSetReconcilerTests : IAsyncDisposable
{
    private const string Ns = "default";
    private readonly FakeTimeProvider _time = new();
    private readonly FakeApi _api;
    private readonly FakeCache<DaemonSet> _daemonSets = new();
    private readonly FakeCache<Pod> _pods = new();
    private readonly FakeCache<Node> _nodes = new();
    private readonly FakeCache<ControllerRevision> _revisions = new();
    private readonly ControllerExpectations _expectations;
    private readonly EventRecorder _events;
    private readonly DaemonSetReconciler _reconciler;

    public DaemonSetReconcilerTests()
    {
        _api = new FakeApi(_time);
        _expectations = new ControllerExpectations(_time);
        _events = new EventRecorder(_api.Client, new EventRecorderOptions { Component = "daemonset-controller" }, _time, NullLogger.Instance);
        _reconciler = new DaemonSetReconciler(_api.Client, _daemonSets, _pods, _nodes, _revisions, _expectations, _events, _time, NullLogger.Instance);
    }

    public async ValueTask DisposeAsync()
    {
        await _events.DisposeAsync();
        _api.Dispose();
    }

    [Fact]
    public async Task Each_eligible_node_gets_one_pod_pinned_to_it_with_the_daemon_tolerations()
    {
        SeedNode("a");
        SeedNode("b", taints: [new Taint { Key = "dedicated", Value = "db", Effect = "NoSchedule" }]);
        SeedNode("c", unschedulable: true, ready: "Unknown");
        var ds = SeedDaemonSet();

        await ReconcileAsync(ds);

        var pods = _api.List<Pod>(Ns);
        var nodes = pods.Select(DaemonPods.TargetNode).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["a", "c"], nodes);
        var pod = pods[0];
        Assert.True(pod.Metadata.Labels!.ContainsKey(DaemonPods.ControllerRevisionHashLabel));
        Assert.Equal("DaemonSet", pod.Metadata.OwnerReferences![0].Kind);
        var keys = pod.Spec!.Tolerations!.Select(t => $"{t.Key}:{t.Effect}").ToHashSet();
        Assert.Contains("node.kubernetes.io/unschedulable:NoSchedule", keys);
        Assert.Contains("node.kubernetes.io/unreachable:NoExecute", keys);
        Assert.Contains("node.kubernetes.io/not-ready:NoExecute", keys);
        Assert.Null(pod.Spec.NodeName);
        var revisions = _api.List<ControllerRevision>(Ns);
        Assert.Single(revisions);
        Assert.Equal(1, revisions[0].Revision);
    }

    [Fact]
    public async Task The_status_counts_desired_current_ready_and_updated_pods()
    {
        SeedNode("a");
        SeedNode("b");
        var ds = SeedDaemonSet();
        await ReconcileAsync(ds);
        foreach (var pod in _api.List<Pod>(Ns).Where(p => DaemonPods.TargetNode(p) == "a"))
        {
            _api.Mutate<Pod>(Ns, pod.Metadata.Name!, p => p.Status = ReadyStatus());
        }

        await ReconcileAsync(ds);

        var status = _api.Get<DaemonSet>(Ns, "agent")!.Status!;
        Assert.Equal(2, status.DesiredNumberScheduled);
        Assert.Equal(2, status.CurrentNumberScheduled);
        Assert.Equal(1, status.NumberReady);
        Assert.Equal(1, status.NumberAvailable);
        Assert.Equal(2, status.UpdatedNumberScheduled);
        Assert.Equal(0, status.NumberMisscheduled);
        Assert.Equal(1, status.ObservedGeneration);
    }

    [Fact]
    public async Task A_rolling_update_replaces_at_most_max_unavailable_old_pods_at_a_time()
    {
        SeedNode("a");
        SeedNode("b");
        var ds = SeedDaemonSet();
        await ReconcileAsync(ds);
        foreach (var pod in _api.List<Pod>(Ns))
        {
            _api.Mutate<Pod>(Ns, pod.Metadata.Name!, p => p.Status = ReadyStatus());
        }
        ds = _api.Mutate<DaemonSet>(Ns, "agent", d => d.Spec!.Template.Spec!.Containers[0].Image = "busybox:2");

        await ReconcileAsync(ds);

        var live = _api.List<Pod>(Ns);
        Assert.Single(live);
        Assert.Equal(2, _api.List<ControllerRevision>(Ns).Count);

        // The manage step then creates the new pod on the freed node.
        await ReconcileAsync(_api.Get<DaemonSet>(Ns, "agent")!);
        var hash = _api.List<ControllerRevision>(Ns).OrderBy(r => r.Revision).Last().Metadata.Labels![DaemonPods.ControllerRevisionHashLabel];
        Assert.Equal(2, _api.List<Pod>(Ns).Count);
        Assert.Single(_api.List<Pod>(Ns), p => DaemonPods.IsUpdated(p, hash));
    }

    [Fact]
    public async Task A_pod_on_a_node_it_may_no_longer_run_on_is_deleted_and_counted_as_misscheduled()
    {
        SeedNode("a", labels: new() { ["role"] = "edge" });
        var ds = SeedDaemonSet(nodeSelector: new() { ["role"] = "edge" });
        await ReconcileAsync(ds);
        Assert.Single(_api.List<Pod>(Ns));
        var node = _api.Mutate<Node>(null!, "a", n => n.Metadata.Labels!["role"] = "core");
        _nodes.Put(node);

        await ReconcileAsync(ds);

        Assert.Empty(_api.List<Pod>(Ns));
    }

    private async Task ReconcileAsync(DaemonSet ds)
    {
        _daemonSets.Put(_api.Get<DaemonSet>(Ns, ds.Metadata.Name!)!);
        _pods.Replace(_api.List<Pod>(Ns));
        _revisions.Replace(_api.List<ControllerRevision>(Ns));
        // The informer catching up with our own writes settles the expectations.
        _expectations.Delete($"{Ns}/{ds.Metadata.Name}");
        await _reconciler.ReconcileAsync(new ObjectKey(Ns, ds.Metadata.Name!), CancellationToken.None);
    }

    private static PodStatus ReadyStatus() => new()
    {
        Phase = "Running",
        Conditions = [new PodCondition { Type = "Ready", Status = "True", LastTransitionTime = DateTimeOffset.UnixEpoch }],
    };

    private void SeedNode(string name, List<Taint>? taints = null, bool unschedulable = false, string ready = "True", Dictionary<string, string>? labels = null)
    {
        var node = _api.Seed(new Node
        {
            Metadata = new ObjectMeta { Name = name, Labels = labels ?? [] },
            Spec = new NodeSpec { Taints = taints, Unschedulable = unschedulable },
            Status = new NodeStatus { Conditions = [new NodeCondition { Type = "Ready", Status = ready }] },
        });
        _nodes.Put(node);
    }

    private DaemonSet SeedDaemonSet(Dictionary<string, string>? nodeSelector = null) => _api.Seed(new DaemonSet
    {
        Metadata = new ObjectMeta { Name = "agent", Namespace = Ns },
        Spec = new DaemonSetSpec
        {
            Selector = new Api.Core.LabelSelector { MatchLabels = new() { ["app"] = "agent" } },
            UpdateStrategy = new DaemonSetUpdateStrategy { Type = "RollingUpdate", RollingUpdate = new RollingUpdateDaemonSet { MaxUnavailable = 1, MaxSurge = 0 } },
            Template = new PodTemplateSpec
            {
                Metadata = new ObjectMeta { Labels = new() { ["app"] = "agent" } },
                Spec = new PodSpec { NodeSelector = nodeSelector, Containers = [new Container { Name = "c", Image = "busybox" }] },
            },
        },
    });
}
