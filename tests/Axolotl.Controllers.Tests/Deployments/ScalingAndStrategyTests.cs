using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Controllers.Deployments;

namespace Axolotl.Controllers.Tests.Deployments;

public sealed class ScalingAndStrategyTests : IAsyncLifetime
{
    private readonly DeploymentFixture _fx = new();

    [Fact]
    public async Task Scaling_a_settled_deployment_resizes_its_only_replica_set_without_a_rollout()
    {
        _fx.SeedDeployment(replicas: 3);
        await _fx.SettleAsync();
        var rs = Assert.Single(_fx.Api.List<ReplicaSet>(DeploymentFixture.Ns));

        _fx.Edit(d => d.Spec!.Replicas = 5);
        await _fx.SettleAsync();

        var scaled = Assert.Single(_fx.Api.List<ReplicaSet>(DeploymentFixture.Ns));
        Assert.Equal(rs.Metadata.Name, scaled.Metadata.Name);
        Assert.Equal((5, "5", "7"), (scaled.Spec!.Replicas, scaled.Metadata.Annotations![DeploymentAnnotations.DesiredReplicas],
            scaled.Metadata.Annotations[DeploymentAnnotations.MaxReplicas]));
        Assert.Contains($"Scaled up replica set {rs.Metadata.Name} from 3 to 5", (await _fx.EventsAsync()).Select(e => e.Message));
        Assert.Equal("1", _fx.Deployment.Metadata.Annotations![DeploymentAnnotations.Revision]);
    }

    [Fact]
    public async Task Scaling_mid_rollout_shares_the_change_in_proportion_to_each_replica_set()
    {
        // 10 replicas, surge 3, unavailable 2: the rollout stalls with the new pods unavailable.
        _fx.SeedDeployment(replicas: 10, maxSurge: 3, maxUnavailable: 2);
        await _fx.SettleAsync();
        _fx.SetImage("nginx:9.9.9");
        await _fx.SettleAsync(available: rs => rs.Spec!.Template.Spec.Containers[0].Image != "nginx:9.9.9");
        var (old, current) = (_fx.ReplicaSetsByRevision()[0], _fx.ReplicaSetsByRevision()[1]);
        Assert.Equal((8, 5), (old.Spec!.Replicas, current.Spec!.Replicas));

        _fx.Edit(d => d.Spec!.Replicas = 20);
        await _fx.ReconcileAsync();

        (old, current) = (_fx.ReplicaSetsByRevision()[0], _fx.ReplicaSetsByRevision()[1]);
        // The maximum goes from 13 to 20 + 3 = 23: old 8 -> round(8*23/13) = 14, new 5 -> round(5*23/13) = 9.
        Assert.Equal((14, 9), (old.Spec!.Replicas, current.Spec!.Replicas));
        Assert.All([old, current], rs => Assert.Equal("20", rs.Metadata.Annotations![DeploymentAnnotations.DesiredReplicas]));
    }

    [Fact]
    public async Task A_paused_deployment_records_the_pause_and_does_not_roll_out_until_resumed()
    {
        _fx.SeedDeployment(replicas: 2);
        await _fx.SettleAsync();

        _fx.Edit(d => d.Spec!.Paused = true);
        await _fx.ReconcileAsync();
        var paused = _fx.Condition("Progressing")!;
        Assert.Equal(("Unknown", "DeploymentPaused", "Deployment is paused"), (paused.Status, paused.Reason, paused.Message));

        _fx.SetImage("busybox:1.37");
        _fx.SyncCaches();
        await _fx.SettleAsync();
        Assert.Single(_fx.Api.List<ReplicaSet>(DeploymentFixture.Ns));

        _fx.Edit(d => d.Spec!.Paused = false);
        _fx.SyncCaches();
        await _fx.SettleAsync();
        Assert.Contains(_fx.Api.Writes, w => w.Path.EndsWith("/status", StringComparison.Ordinal) &&
            w.Json!["status"]!["conditions"]!.AsArray().Any(c => c!["reason"]!.GetValue<string>() == "DeploymentResumed"));
        Assert.Equal(2, _fx.Api.List<ReplicaSet>(DeploymentFixture.Ns).Count);
        Assert.Equal("NewReplicaSetAvailable", _fx.Condition("Progressing")!.Reason);
    }

    [Fact]
    public async Task Recreate_scales_old_pods_to_zero_and_starts_new_ones_only_after_they_are_gone()
    {
        _fx.SeedDeployment(replicas: 2, strategy: "Recreate");
        await _fx.SettleAsync();
        var old = Assert.Single(_fx.Api.List<ReplicaSet>(DeploymentFixture.Ns));
        // A pod of the old ReplicaSet that is still terminating.
        _fx.Api.Seed(Axolotl.Controllers.Tests.ReplicaSets.ReplicaSetFixture.NewPod("web-old-1", old, old.Spec!.Template.Metadata.Labels, "n1", "Running", true,
            _fx.Time.GetUtcNow(), 0, null, _fx.Time.GetUtcNow()));
        _fx.SetImage("busybox:1.37");
        _fx.SyncCaches();

        // 1. The old ReplicaSet goes to zero; no new one yet.
        await _fx.ReconcileAsync();
        Assert.Equal(0, _fx.Api.Get<ReplicaSet>(DeploymentFixture.Ns, old.Metadata.Name!)!.Spec!.Replicas);
        Assert.Single(_fx.Api.List<ReplicaSet>(DeploymentFixture.Ns));

        // 2. Its terminating pod is still there: wait.
        _fx.RunReplicaSets();
        _fx.SyncCaches();
        await _fx.ReconcileAsync();
        Assert.Single(_fx.Api.List<ReplicaSet>(DeploymentFixture.Ns));

        // 3. The pod is gone: the new ReplicaSet starts at full size.
        _fx.Api.Remove<Pod>(DeploymentFixture.Ns, "web-old-1");
        _fx.SyncCaches();
        await _fx.ReconcileAsync();
        var current = _fx.ReplicaSetsByRevision()[1];
        Assert.Equal((2, "2"), (current.Spec!.Replicas, current.Metadata.Annotations![DeploymentAnnotations.Revision]));
        Assert.Contains($"Scaled up replica set {current.Metadata.Name} from 0 to 2", (await _fx.EventsAsync()).Select(e => e.Message));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _fx.DisposeAsync();
}
