using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Client.Events;
using Axolotl.Controllers.ReplicaSets;
using Axolotl.Controllers.Runtime;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Controllers.Tests.ReplicaSets;

/// <summary>The same core behind ReplicationControllers: an equality selector, a core/v1 owner, its own status type.</summary>
public sealed class ReplicationControllerTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private readonly FakeApi _api;
    private readonly FakeCache<ReplicationController> _controllers = new();
    private readonly FakeCache<Pod> _pods = new();
    private readonly EventRecorder _events;
    private readonly ReplicaSetReconciler<ReplicationController> _reconciler;

    public ReplicationControllerTests()
    {
        _api = new FakeApi(_time);
        _events = new EventRecorder(_api.Client, new EventRecorderOptions { Component = "replication-controller" }, _time, NullLogger.Instance);
        _reconciler = new ReplicaSetReconciler<ReplicationController>(_api.Client, ReplicationControllerKind.Instance, _controllers, _pods,
            new ControllerExpectations(_time), _events, _time, NullLogger.Instance);
    }

    private ReplicationController SeedController(int replicas)
    {
        var rc = _api.Seed(new ReplicationController
        {
            Metadata = new ObjectMeta { Name = "legacy", Namespace = "default" },
            Spec = new ReplicationControllerSpec
            {
                Replicas = replicas,
                Selector = new() { ["app"] = "legacy" },
                Template = new PodTemplateSpec
                {
                    Metadata = new ObjectMeta { Labels = new() { ["app"] = "legacy", ["extra"] = "yes" } },
                    Spec = new PodSpec { Containers = [new Container { Name = "c", Image = "busybox" }] },
                },
            },
        });
        _controllers.Put(rc);
        return rc;
    }

    [Fact]
    public async Task Pods_are_created_with_a_v1_ReplicationController_owner_and_the_status_goes_to_the_rc()
    {
        var rc = SeedController(2);

        await _reconciler.ReconcileAsync(new ObjectKey("default", "legacy"), CancellationToken.None);

        var creates = _api.Writes.Where(w => w.Method == HttpMethod.Post).ToList();
        Assert.Equal(2, creates.Count);
        var owner = creates[0].Json!["metadata"]!["ownerReferences"]![0]!;
        Assert.Equal(("v1", "ReplicationController", rc.Metadata.Uid), (owner["apiVersion"]!.GetValue<string>(), owner["kind"]!.GetValue<string>(), owner["uid"]!.GetValue<string>()));
        Assert.Equal("legacy-", creates[0].Json!["metadata"]!["generateName"]!.GetValue<string>());
        Assert.Single(_api.Writes, w => w.Method == HttpMethod.Put && w.Path == "/api/v1/namespaces/default/replicationcontrollers/legacy/status");
        await _events.FlushAsync(CancellationToken.None);
        Assert.All(_api.Events(), e => Assert.Equal(("SuccessfulCreate", "ReplicationController/legacy"), (e.Reason, e.Object)));
    }

    [Fact]
    public async Task The_equality_selector_adopts_pods_with_the_selected_labels_whatever_else_they_carry()
    {
        SeedController(1);
        var stray = _api.Seed(ReplicaSetFixture.NewPod("stray", null, new() { ["app"] = "legacy", ["other"] = "x" }, "n1", "Running", true,
            _time.GetUtcNow().AddHours(-1), 0, null, null));
        var unrelated = _api.Seed(ReplicaSetFixture.NewPod("unrelated", null, new() { ["app"] = "else" }, "n1", "Running", true,
            _time.GetUtcNow().AddHours(-1), 0, null, null));
        _pods.Put(stray);
        _pods.Put(unrelated);

        await _reconciler.ReconcileAsync(new ObjectKey("default", "legacy"), CancellationToken.None);

        Assert.Single(_api.Writes, w => w.Method == HttpMethod.Patch && w.Path.EndsWith("/pods/stray", StringComparison.Ordinal));
        Assert.DoesNotContain(_api.Writes, w => w.Method == HttpMethod.Post);
        var status = _api.Get<ReplicationController>("default", "legacy")!.Status!;
        // The adopted pod lacks the template's extra label.
        Assert.Equal((1, null, 1), (status.Replicas, status.FullyLabeledReplicas, status.ReadyReplicas));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _events.DisposeAsync();
        _api.Dispose();
    }
}
