using Axolotl.Api.Apps;
using Axolotl.Controllers.Deployments;
using Axolotl.Controllers.Runtime;

namespace Axolotl.Controllers.Tests.Deployments;

public sealed class ProgressDeadlineTests : IAsyncLifetime
{
    private const string Bad = "nginx:9.9.9";
    private readonly DeploymentFixture _fx = new();

    private static bool Healthy(ReplicaSet rs) => rs.Spec!.Template.Spec.Containers[0].Image != Bad;

    private Dictionary<string, string> AutoRollback => new() { [DeploymentAnnotations.AutoRollback] = "true" };

    /// <summary>Rolls out revision 1, then a bad image as revision 2 until it is stuck, past its 30 s deadline.</summary>
    private async Task<ReplicaSet> StuckPastTheDeadlineAsync(Dictionary<string, string>? annotations = null)
    {
        _fx.SeedDeployment(replicas: 2, progressDeadlineSeconds: 30, annotations: annotations);
        await _fx.SettleAsync();
        _fx.SetImage(Bad);
        await _fx.SettleAsync(Healthy);
        Assert.Equal(ReconcileResult.RequeueAfter(TimeSpan.FromSeconds(31)), await _fx.ReconcileAsync());
        _fx.Time.Advance(TimeSpan.FromSeconds(31));
        await _fx.ReconcileAsync();
        _fx.SyncCaches();
        return _fx.ReplicaSetsByRevision()[1];
    }

    [Fact]
    public async Task A_rollout_without_progress_past_its_deadline_is_reported_as_ProgressDeadlineExceeded()
    {
        var stuck = await StuckPastTheDeadlineAsync();

        var progressing = _fx.Condition("Progressing")!;
        Assert.Equal(("False", "ProgressDeadlineExceeded", $"ReplicaSet \"{stuck.Metadata.Name}\" has timed out progressing."),
            (progressing.Status, progressing.Reason, progressing.Message));
        // Timed out stays timed out: no more requeues, no rollback without the opt-in.
        Assert.Equal(ReconcileResult.Done, await _fx.ReconcileAsync());
        Assert.Equal(Bad, _fx.Deployment.Spec!.Template.Spec.Containers[0].Image);
        Assert.DoesNotContain(await _fx.EventsAsync(), e => e.Reason == DeploymentReconciler.AutoRollbackReason);
    }

    [Fact]
    public async Task Progress_moves_the_deadline()
    {
        _fx.SeedDeployment(replicas: 2, progressDeadlineSeconds: 30);
        await _fx.ReconcileAsync();
        _fx.Time.Advance(TimeSpan.FromSeconds(20));
        // The pods exist but are not available yet: progress all the same, so the deadline counts from now.
        _fx.RunReplicaSets(_ => false);
        _fx.SyncCaches();
        await _fx.ReconcileAsync();
        _fx.SyncCaches();

        _fx.Time.Advance(TimeSpan.FromSeconds(20));
        await _fx.ReconcileAsync();

        Assert.Equal("ReplicaSetUpdated", _fx.Condition("Progressing")!.Reason);
        _fx.Time.Advance(TimeSpan.FromSeconds(11));
        await _fx.ReconcileAsync();
        Assert.Equal("ProgressDeadlineExceeded", _fx.Condition("Progressing")!.Reason);
    }

    [Fact]
    public async Task With_auto_rollback_a_stuck_rollout_goes_back_to_the_last_fully_available_revision_renumbered()
    {
        var stuck = await StuckPastTheDeadlineAsync(AutoRollback);
        var good = _fx.ReplicaSetsByRevision()[0];
        Assert.Equal("true", good.Metadata.Labels![DeploymentAnnotations.FullyAvailableLabel]);
        Assert.False(stuck.Metadata.Labels!.ContainsKey(DeploymentAnnotations.FullyAvailableLabel));

        Assert.Equal(ReconcileResult.Done, await _fx.ReconcileAsync());

        Assert.Equal("busybox:1.36", _fx.Deployment.Spec!.Template.Spec.Containers[0].Image);
        Assert.False(_fx.Deployment.Spec.Template.Metadata.Labels!.ContainsKey(DeploymentAnnotations.PodTemplateHashLabel));
        Assert.Equal("true", _fx.Deployment.Metadata.Annotations![DeploymentAnnotations.AutoRollback]);
        var warning = Assert.Single(await _fx.EventsAsync(), e => e.Reason == DeploymentReconciler.AutoRollbackReason);
        Assert.Equal("Warning", warning.Type);
        Assert.StartsWith("Rolled back deployment \"web\" from revision 2 to revision 1", warning.Message, StringComparison.Ordinal);

        _fx.SyncCaches();
        await _fx.SettleAsync(Healthy);

        var (bad, restored) = (_fx.ReplicaSetsByRevision()[0], _fx.ReplicaSetsByRevision()[1]);
        Assert.Equal(good.Metadata.Name, restored.Metadata.Name);
        Assert.Equal(("3", "1", 2), (restored.Metadata.Annotations![DeploymentAnnotations.Revision],
            restored.Metadata.Annotations[DeploymentAnnotations.RevisionHistory], restored.Spec!.Replicas));
        Assert.Equal(0, bad.Spec!.Replicas);
        Assert.Equal("NewReplicaSetAvailable", _fx.Condition("Progressing")!.Reason);
        Assert.Single(await _fx.EventsAsync(), e => e.Reason == DeploymentReconciler.AutoRollbackReason);
    }

    [Fact]
    public async Task Auto_rollback_needs_a_revision_that_was_once_fully_available()
    {
        _fx.SeedDeployment(replicas: 1, progressDeadlineSeconds: 10, image: Bad, annotations: AutoRollback);
        await _fx.SettleAsync(Healthy);
        _fx.Time.Advance(TimeSpan.FromSeconds(11));
        await _fx.ReconcileAsync();
        _fx.SyncCaches();

        await _fx.ReconcileAsync();

        Assert.Equal("ProgressDeadlineExceeded", _fx.Condition("Progressing")!.Reason);
        Assert.Equal(Bad, _fx.Deployment.Spec!.Template.Spec.Containers[0].Image);
    }

    [Fact]
    public async Task A_new_template_after_the_timeout_is_rolled_out_not_rolled_back()
    {
        await StuckPastTheDeadlineAsync(AutoRollback);

        _fx.SetImage("busybox:1.38");
        await _fx.SettleAsync(Healthy);

        Assert.Equal("busybox:1.38", _fx.Deployment.Spec!.Template.Spec.Containers[0].Image);
        Assert.DoesNotContain(await _fx.EventsAsync(), e => e.Reason == DeploymentReconciler.AutoRollbackReason);
        Assert.Equal("NewReplicaSetAvailable", _fx.Condition("Progressing")!.Reason);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _fx.DisposeAsync();
}
