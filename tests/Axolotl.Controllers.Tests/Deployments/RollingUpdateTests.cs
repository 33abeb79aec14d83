using System.Text.RegularExpressions;
using Axolotl.Api.Apps;
using Axolotl.Controllers.Deployments;
using Axolotl.Controllers.Runtime;

namespace Axolotl.Controllers.Tests.Deployments;

public sealed partial class RollingUpdateTests : IAsyncLifetime
{
    private readonly DeploymentFixture _fx = new();

    [Fact]
    public async Task A_new_deployment_gets_a_replica_set_named_after_its_template_hash_at_full_size()
    {
        var d = _fx.SeedDeployment(replicas: 3);

        await _fx.ReconcileAsync();

        var rs = Assert.Single(_fx.Api.List<ReplicaSet>(DeploymentFixture.Ns));
        var hash = rs.Metadata.Labels![DeploymentAnnotations.PodTemplateHashLabel];
        Assert.Matches(HashPattern(), hash);
        Assert.Equal($"web-{hash}", rs.Metadata.Name);
        Assert.Equal(PodTemplateHash.Compute(d.Spec!.Template, null), hash);
        Assert.Equal(hash, rs.Spec!.Selector!.MatchLabels![DeploymentAnnotations.PodTemplateHashLabel]);
        Assert.Equal(hash, rs.Spec.Template.Metadata.Labels![DeploymentAnnotations.PodTemplateHashLabel]);
        Assert.Equal("web", rs.Spec.Template.Metadata.Labels["app"]);
        Assert.Equal(3, rs.Spec.Replicas);
        Assert.Equal(("1", "3", "4"), (rs.Metadata.Annotations![DeploymentAnnotations.Revision],
            rs.Metadata.Annotations[DeploymentAnnotations.DesiredReplicas], rs.Metadata.Annotations[DeploymentAnnotations.MaxReplicas]));
        var owner = Assert.Single(rs.Metadata.OwnerReferences!);
        Assert.Equal(("apps/v1", "Deployment", "web", d.Metadata.Uid, true, true),
            (owner.ApiVersion, owner.Kind, owner.Name, owner.Uid, owner.Controller, owner.BlockOwnerDeletion));

        Assert.Equal("1", _fx.Deployment.Metadata.Annotations![DeploymentAnnotations.Revision]);
        var progressing = _fx.Condition("Progressing")!;
        Assert.Equal(("True", "NewReplicaSetCreated", $"Created new replica set \"{rs.Metadata.Name}\""),
            (progressing.Status, progressing.Reason, progressing.Message));
        Assert.Contains(("Normal", "ScalingReplicaSet", $"Scaled up replica set {rs.Metadata.Name} from 0 to 3", "Deployment/web"), await _fx.EventsAsync());
    }

    [Fact]
    public async Task A_rollout_completes_with_availability_never_below_replicas_minus_maxUnavailable()
    {
        _fx.SeedDeployment(replicas: 4, maxSurge: 1, maxUnavailable: 1);
        await _fx.SettleAsync();
        var first = Assert.Single(_fx.Api.List<ReplicaSet>(DeploymentFixture.Ns));

        _fx.SetImage("busybox:1.37");
        var lowest = int.MaxValue;
        var highest = 0;
        await _fx.SettleAsync(afterEachRound: () =>
        {
            var all = _fx.Api.List<ReplicaSet>(DeploymentFixture.Ns);
            lowest = Math.Min(lowest, all.Sum(r => r.Status?.AvailableReplicas ?? 0));
            highest = Math.Max(highest, all.Sum(r => r.Spec?.Replicas ?? 0));
        });

        Assert.True(lowest >= 3, $"availability dropped to {lowest}");
        Assert.True(highest <= 5, $"{highest} pods exceed replicas + maxSurge");
        var (old, current) = (_fx.ReplicaSetsByRevision()[0], _fx.ReplicaSetsByRevision()[1]);
        Assert.Equal(first.Metadata.Name, old.Metadata.Name);
        Assert.Equal((0, 4), (old.Spec!.Replicas, current.Spec!.Replicas));
        Assert.Equal("2", current.Metadata.Annotations![DeploymentAnnotations.Revision]);
        Assert.Equal("2", _fx.Deployment.Metadata.Annotations![DeploymentAnnotations.Revision]);
        var status = _fx.Deployment.Status!;
        Assert.Equal((4, 4, 4, 4, null), (status.Replicas, status.UpdatedReplicas, status.ReadyReplicas, status.AvailableReplicas, status.UnavailableReplicas));
        Assert.Equal(_fx.Deployment.Metadata.Generation, status.ObservedGeneration);
        var progressing = _fx.Condition("Progressing")!;
        Assert.Equal(("True", "NewReplicaSetAvailable", $"ReplicaSet \"{current.Metadata.Name}\" has successfully progressed."),
            (progressing.Status, progressing.Reason, progressing.Message));
        var available = _fx.Condition("Available")!;
        Assert.Equal(("True", "MinimumReplicasAvailable", "Deployment has minimum availability."), (available.Status, available.Reason, available.Message));

        var events = (await _fx.EventsAsync()).Where(e => e.Reason == "ScalingReplicaSet").Select(e => e.Message).ToList();
        // The new ReplicaSet starts at the surge (1); maxUnavailable lets one old pod go at once.
        Assert.Equal([$"Scaled up replica set {current.Metadata.Name} from 0 to 1", $"Scaled down replica set {old.Metadata.Name} from 4 to 3"], events.Skip(1).Take(2));
        Assert.EndsWith(" to 0", events.Last(e => e.Contains(old.Metadata.Name!, StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unavailable_new_pods_hold_the_old_replica_set_at_minimum_availability()
    {
        _fx.SeedDeployment(replicas: 3);
        await _fx.SettleAsync();
        _fx.SetImage("nginx:9.9.9");

        await _fx.SettleAsync(available: rs => rs.Spec!.Template.Spec.Containers[0].Image != "nginx:9.9.9");

        var (old, stuck) = (_fx.ReplicaSetsByRevision()[0], _fx.ReplicaSetsByRevision()[1]);
        // 25% of 3: surge rounds up to 1, unavailable rounds down to 0.
        Assert.Equal((3, 1), (old.Spec!.Replicas, stuck.Spec!.Replicas));
        Assert.Equal(("True", "ReplicaSetUpdated"), (_fx.Condition("Progressing")!.Status, _fx.Condition("Progressing")!.Reason));
    }

    [Fact]
    public async Task A_template_that_matches_an_old_replica_set_makes_it_current_again_under_a_new_revision()
    {
        _fx.SeedDeployment(replicas: 2);
        await _fx.SettleAsync();
        _fx.SetImage("busybox:1.37");
        await _fx.SettleAsync();

        // kubectl rollout undo: the template of revision 1 comes back.
        _fx.SetImage("busybox:1.36");
        await _fx.SettleAsync();

        var replicaSets = _fx.ReplicaSetsByRevision();
        Assert.Equal(2, replicaSets.Count);
        var (second, restored) = (replicaSets[0], replicaSets[1]);
        Assert.Equal(("2", "3", "1"), (second.Metadata.Annotations![DeploymentAnnotations.Revision],
            restored.Metadata.Annotations![DeploymentAnnotations.Revision], restored.Metadata.Annotations[DeploymentAnnotations.RevisionHistory]));
        Assert.Equal("busybox:1.36", restored.Spec!.Template.Spec.Containers[0].Image);
        Assert.Equal((0, 2), (second.Spec!.Replicas, restored.Spec.Replicas));
        Assert.Equal("3", _fx.Deployment.Metadata.Annotations![DeploymentAnnotations.Revision]);
    }

    [Fact]
    public async Task The_change_cause_annotation_is_copied_to_the_new_replica_set_but_the_bookkeeping_ones_are_not()
    {
        _fx.SeedDeployment(annotations: new()
        {
            [DeploymentAnnotations.ChangeCause] = "kubectl set image deployment/web c=busybox:1.36",
            [DeploymentAnnotations.LastAppliedConfiguration] = "{}",
        });

        await _fx.ReconcileAsync();

        var annotations = Assert.Single(_fx.Api.List<ReplicaSet>(DeploymentFixture.Ns)).Metadata.Annotations!;
        Assert.Equal("kubectl set image deployment/web c=busybox:1.36", annotations[DeploymentAnnotations.ChangeCause]);
        Assert.False(annotations.ContainsKey(DeploymentAnnotations.LastAppliedConfiguration));
    }

    [Fact]
    public async Task Old_replica_sets_beyond_the_revision_history_limit_are_deleted_once_the_rollout_completes()
    {
        _fx.SeedDeployment(replicas: 1, revisionHistoryLimit: 1);
        await _fx.SettleAsync();
        foreach (var image in new[] { "busybox:1.37", "busybox:1.38", "busybox:1.39" })
        {
            _fx.SetImage(image);
            await _fx.SettleAsync();
        }

        var replicaSets = _fx.ReplicaSetsByRevision();
        Assert.Equal(["3", "4"], replicaSets.Select(rs => rs.Metadata.Annotations![DeploymentAnnotations.Revision]));
        Assert.Equal("busybox:1.39", replicaSets[1].Spec!.Template.Spec.Containers[0].Image);
    }

    [Fact]
    public async Task A_failure_of_the_new_replica_set_shows_on_the_deployment()
    {
        _fx.SeedDeployment(replicas: 1);
        await _fx.SettleAsync();
        var rs = Assert.Single(_fx.Api.List<ReplicaSet>(DeploymentFixture.Ns));
        _fx.Api.Mutate<ReplicaSet>(DeploymentFixture.Ns, rs.Metadata.Name!, r => r.Status!.Conditions =
            [new ReplicaSetCondition { Type = "ReplicaFailure", Status = "True", Reason = "FailedCreate", Message = "exceeded quota", LastTransitionTime = _fx.Time.GetUtcNow() }]);
        _fx.SyncCaches();

        await _fx.ReconcileAsync();

        var failure = _fx.Condition("ReplicaFailure")!;
        Assert.Equal(("True", "FailedCreate", "exceeded quota"), (failure.Status, failure.Reason, failure.Message));
    }

    [Fact]
    public async Task An_orphan_replica_set_that_matches_the_selector_is_adopted_and_reused()
    {
        _fx.SeedDeployment(replicas: 2);
        await _fx.ReconcileAsync();
        var rs = Assert.Single(_fx.Api.List<ReplicaSet>(DeploymentFixture.Ns));
        _fx.Api.Mutate<ReplicaSet>(DeploymentFixture.Ns, rs.Metadata.Name!, r => r.Metadata.OwnerReferences = null);
        _fx.SyncCaches();

        await _fx.ReconcileAsync();

        Assert.Single(_fx.Api.List<ReplicaSet>(DeploymentFixture.Ns));
        Assert.Equal(_fx.Deployment.Metadata.Uid, _fx.Api.List<ReplicaSet>(DeploymentFixture.Ns)[0].Metadata.OwnerReferences![0].Uid);
    }

    [Fact]
    public async Task A_deployment_selecting_everything_only_warns()
    {
        _fx.SeedDeployment();
        _fx.Edit(d => d.Spec!.Selector = new Api.Core.LabelSelector());

        Assert.Equal(ReconcileResult.Done, await _fx.ReconcileAsync());

        Assert.Empty(_fx.Api.List<ReplicaSet>(DeploymentFixture.Ns));
        Assert.Contains(("Warning", "SelectingAll", "This deployment is selecting all pods. A non-empty selector is required.", "Deployment/web"), await _fx.EventsAsync());
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [GeneratedRegex("^[bcdfghjklmnpqrstvwxz2456789]{1,10}$")]
    private static partial Regex HashPattern();
}
