using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Resources;
using Axolotl.Client.Events;
using Axolotl.Controllers.Runtime;
using Axolotl.Controllers.StatefulSets;
using Axolotl.Controllers.Tests.ReplicaSets;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Controllers.Tests.StatefulSets;

public sealed class StatefulSetReconcilerTests : IAsyncDisposable
{
    private const string Ns = "default";
    private readonly FakeTimeProvider _time = new();
    private readonly FakeApi _api;
    private readonly FakeCache<StatefulSet> _sets = new();
    private readonly FakeCache<Pod> _pods = new();
    private readonly FakeCache<ControllerRevision> _revisions = new();
    private readonly FakeCache<PersistentVolumeClaim> _claims = new();
    private readonly EventRecorder _events;
    private readonly StatefulSetReconciler _reconciler;

    public StatefulSetReconcilerTests()
    {
        _api = new FakeApi(_time);
        _events = new EventRecorder(_api.Client, new EventRecorderOptions { Component = "statefulset-controller" }, _time, NullLogger.Instance);
        _reconciler = new StatefulSetReconciler(_api.Client, _sets, _pods, _revisions, _claims, _events, _time, NullLogger.Instance);
    }

    public async ValueTask DisposeAsync()
    {
        await _events.DisposeAsync();
        _api.Dispose();
    }

    [Fact]
    public async Task OrderedReady_creates_the_first_ordinal_with_its_identity_and_claim_and_waits_for_it()
    {
        SeedSet();

        await ReconcileAsync();

        var pod = Assert.Single(_api.List<Pod>(Ns));
        Assert.Equal("web-0", pod.Metadata.Name);
        Assert.Equal("web-0", pod.Spec!.Hostname);
        Assert.Equal("web", pod.Spec.Subdomain);
        Assert.Equal("web-0", pod.Metadata.Labels![StatefulPods.PodNameLabel]);
        Assert.Equal("0", pod.Metadata.Labels[StatefulPods.PodIndexLabel]);
        Assert.StartsWith("web-", pod.Metadata.Labels[StatefulPods.RevisionLabel], StringComparison.Ordinal);
        var volume = Assert.Single(pod.Spec.Volumes!);
        Assert.Equal("data", volume.Name);
        Assert.Equal("data-web-0", volume.PersistentVolumeClaim!.ClaimName);
        var claim = Assert.Single(_api.List<PersistentVolumeClaim>(Ns));
        Assert.Equal("data-web-0", claim.Metadata.Name);
        Assert.Equal("web", claim.Metadata.Labels!["app"]);
        Assert.Null(claim.Metadata.OwnerReferences);

        await ReconcileAsync();
        Assert.Single(_api.List<Pod>(Ns));

        MarkReady("web-0");
        await ReconcileAsync();
        Assert.Equal(["web-0", "web-1"], PodNames());

        await _events.FlushAsync(CancellationToken.None);
        var messages = _api.Events().Select(e => $"{e.Reason}: {e.Message}").ToList();
        Assert.Contains("SuccessfulCreate: create Claim data-web-0 Pod web-0 in StatefulSet web success", messages);
        Assert.Contains("SuccessfulCreate: create Pod web-0 in StatefulSet web successful", messages);
    }

    [Fact]
    public async Task Parallel_creates_every_ordinal_at_once_from_the_start_ordinal()
    {
        SeedSet(replicas: 3, parallel: true, start: 5);

        await ReconcileAsync();

        Assert.Equal(["web-5", "web-6", "web-7"], PodNames());
        Assert.Equal(["data-web-5", "data-web-6", "data-web-7"], _api.List<PersistentVolumeClaim>(Ns).Select(c => c.Metadata.Name!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_deleted_pod_comes_back_with_the_same_name_on_the_same_claim()
    {
        SeedSet(replicas: 2, parallel: true);
        await ReconcileAsync();
        var claimUid = _api.Get<PersistentVolumeClaim>(Ns, "data-web-1")!.Metadata.Uid;
        _api.Remove<Pod>(Ns, "web-1");
        Assert.Null(_api.Get<Pod>(Ns, "web-1"));

        await ReconcileAsync();

        var pod = _api.Get<Pod>(Ns, "web-1")!;
        Assert.Equal("data-web-1", pod.Spec!.Volumes![0].PersistentVolumeClaim!.ClaimName);
        Assert.Equal(claimUid, _api.Get<PersistentVolumeClaim>(Ns, "data-web-1")!.Metadata.Uid);
        Assert.Equal(2, _api.List<PersistentVolumeClaim>(Ns).Count);
    }

    [Fact]
    public async Task A_pod_waits_while_its_claim_is_being_deleted()
    {
        SeedSet(replicas: 1);
        _api.Seed(new PersistentVolumeClaim
        {
            Metadata = new ObjectMeta { Name = "data-web-0", Namespace = Ns, DeletionTimestamp = _time.GetUtcNow(), Finalizers = ["kubernetes.io/pvc-protection"] },
            Spec = new PersistentVolumeClaimSpec(),
        });

        await Assert.ThrowsAsync<InvalidOperationException>(ReconcileAsync);

        Assert.Empty(_api.List<Pod>(Ns));
    }

    [Fact]
    public async Task Scaling_down_removes_the_highest_ordinal_first_one_at_a_time_and_keeps_the_claims()
    {
        SeedSet(replicas: 3);
        await BringUpAsync(3);
        _api.Mutate<StatefulSet>(Ns, "web", s => s.Spec!.Replicas = 1);

        await ReconcileAsync();
        Assert.Equal(["web-0", "web-1"], PodNames());
        await ReconcileAsync();
        Assert.Equal(["web-0"], PodNames());
        Assert.Equal(3, _api.List<PersistentVolumeClaim>(Ns).Count);
        await _events.FlushAsync(CancellationToken.None);
        Assert.Contains(_api.Events(), e => e.Message == "delete Pod web-2 in StatefulSet web successful" && e.Reason == "SuccessfulDelete");
    }

    [Fact]
    public async Task OrderedReady_scale_down_halts_while_a_lower_pod_is_unhealthy()
    {
        SeedSet(replicas: 3);
        await BringUpAsync(3);
        _api.Mutate<Pod>(Ns, "web-0", p => p.Status!.Conditions![0].Status = "False");
        _api.Mutate<StatefulSet>(Ns, "web", s => s.Spec!.Replicas = 2);

        await ReconcileAsync();

        Assert.Equal(["web-0", "web-1", "web-2"], PodNames());
    }

    [Fact]
    public async Task WhenScaled_Delete_hands_a_removed_pods_claim_to_the_pod_and_WhenDeleted_Delete_to_the_set()
    {
        SeedSet(replicas: 2, parallel: true, retention: new() { WhenDeleted = "Delete", WhenScaled = "Delete" });
        await BringUpAsync(2);
        var set = _api.Get<StatefulSet>(Ns, "web")!;
        var owners = _api.Get<PersistentVolumeClaim>(Ns, "data-web-1")!.Metadata.OwnerReferences!;
        Assert.Equal(("StatefulSet", set.Metadata.Uid), (Assert.Single(owners).Kind, owners[0].Uid));

        var podUid = _api.Get<Pod>(Ns, "web-1")!.Metadata.Uid;
        _api.Mutate<StatefulSet>(Ns, "web", s => s.Spec!.Replicas = 1);
        await ReconcileAsync();

        var claimOwners = _api.Get<PersistentVolumeClaim>(Ns, "data-web-1")!.Metadata.OwnerReferences!;
        Assert.Equal(("Pod", podUid), (Assert.Single(claimOwners).Kind, claimOwners[0].Uid));
        Assert.Equal("StatefulSet", Assert.Single(_api.Get<PersistentVolumeClaim>(Ns, "data-web-0")!.Metadata.OwnerReferences!).Kind);
        Assert.Equal(["web-0"], PodNames());
    }

    [Fact]
    public async Task A_rolling_update_with_a_partition_replaces_only_ordinals_at_or_above_it_highest_first()
    {
        SeedSet(replicas: 3);
        await BringUpAsync(3);
        var firstRevision = _api.Get<Pod>(Ns, "web-0")!.Metadata.Labels![StatefulPods.RevisionLabel];
        _api.Mutate<StatefulSet>(Ns, "web", s =>
        {
            s.Spec!.Template.Spec.Containers[0].Image = "nginx:2";
            s.Spec.UpdateStrategy!.RollingUpdate!.Partition = 1;
        });

        await ReconcileAsync();
        Assert.Equal(["web-0", "web-1"], PodNames());
        await ReconcileAsync();
        Assert.Equal(["web-0", "web-1", "web-2"], PodNames());
        var updateRevision = _api.Get<Pod>(Ns, "web-2")!.Metadata.Labels![StatefulPods.RevisionLabel];
        Assert.NotEqual(firstRevision, updateRevision);
        Assert.Equal("nginx:2", _api.Get<Pod>(Ns, "web-2")!.Spec!.Containers[0].Image);

        // web-2 must be healthy before web-1 is touched.
        await ReconcileAsync();
        Assert.Equal(3, PodNames().Count);
        MarkReady("web-2");
        await ReconcileAsync();
        Assert.Equal(["web-0", "web-2"], PodNames());
        await ReconcileAsync();
        MarkReady("web-1");
        await ReconcileAsync();

        Assert.Equal("nginx:1", _api.Get<Pod>(Ns, "web-0")!.Spec!.Containers[0].Image);
        Assert.Equal(firstRevision, _api.Get<Pod>(Ns, "web-0")!.Metadata.Labels![StatefulPods.RevisionLabel]);
        var status = _api.Get<StatefulSet>(Ns, "web")!.Status!;
        Assert.Equal(firstRevision, status.CurrentRevision);
        Assert.Equal(updateRevision, status.UpdateRevision);
        Assert.Equal(2, status.UpdatedReplicas);
        Assert.Equal(1, status.CurrentReplicas);

        // A deleted pod below the partition comes back at the current revision.
        _api.Remove<Pod>(Ns, "web-0");
        await ReconcileAsync();
        Assert.Equal("nginx:1", _api.Get<Pod>(Ns, "web-0")!.Spec!.Containers[0].Image);
    }

    [Fact]
    public async Task A_finished_rolling_update_makes_the_update_revision_current()
    {
        SeedSet(replicas: 1);
        await BringUpAsync(1);
        _api.Mutate<StatefulSet>(Ns, "web", s => s.Spec!.Template.Spec.Containers[0].Image = "nginx:2");
        await ReconcileAsync();
        await ReconcileAsync();
        MarkReady("web-0");
        await ReconcileAsync();

        var status = _api.Get<StatefulSet>(Ns, "web")!.Status!;
        Assert.Equal(status.UpdateRevision, status.CurrentRevision);
        Assert.Equal(1, status.CurrentReplicas);
        Assert.Equal(2, _api.List<ControllerRevision>(Ns).Count);
    }

    [Fact]
    public async Task OnDelete_leaves_old_pods_until_the_user_deletes_them()
    {
        SeedSet(replicas: 2, onDelete: true);
        await BringUpAsync(2);
        _api.Mutate<StatefulSet>(Ns, "web", s => s.Spec!.Template.Spec.Containers[0].Image = "nginx:2");

        await ReconcileAsync();
        Assert.Equal(2, PodNames().Count);
        Assert.All(_api.List<Pod>(Ns), p => Assert.Equal("nginx:1", p.Spec!.Containers[0].Image));

        _api.Remove<Pod>(Ns, "web-1");
        await ReconcileAsync();
        Assert.Equal("nginx:2", _api.Get<Pod>(Ns, "web-1")!.Spec!.Containers[0].Image);
    }

    [Fact]
    public async Task A_failed_pod_is_deleted_so_that_it_comes_back()
    {
        SeedSet(replicas: 1);
        await BringUpAsync(1);
        _api.Mutate<Pod>(Ns, "web-0", p => p.Status!.Phase = "Failed");

        await ReconcileAsync();
        Assert.Empty(PodNames());
        await ReconcileAsync();
        Assert.Equal(["web-0"], PodNames());
    }

    [Fact]
    public async Task The_status_counts_replicas_ready_available_current_and_updated()
    {
        SeedSet(replicas: 2, parallel: true);
        await ReconcileAsync();
        MarkReady("web-0");
        await ReconcileAsync();

        var set = _api.Get<StatefulSet>(Ns, "web")!;
        var status = set.Status!;
        Assert.Equal(2, status.Replicas);
        Assert.Equal(1, status.ReadyReplicas);
        Assert.Equal(1, status.AvailableReplicas);
        Assert.Equal(2, status.UpdatedReplicas);
        Assert.Equal(set.Metadata.Generation, status.ObservedGeneration);
        Assert.Equal(status.CurrentRevision, status.UpdateRevision);
    }

    private async Task BringUpAsync(int count)
    {
        for (var i = 0; i < count + 1; i++)
        {
            await ReconcileAsync();
            foreach (var name in PodNames())
            {
                MarkReady(name);
            }
        }
        await ReconcileAsync();
        Assert.Equal(count, PodNames().Count);
    }

    private List<string> PodNames() => _api.List<Pod>(Ns).Select(p => p.Metadata.Name!).Order(StringComparer.Ordinal).ToList();

    private void MarkReady(string name) => _api.Mutate<Pod>(Ns, name, p => p.Status = new PodStatus
    {
        Phase = "Running",
        Conditions = [new PodCondition { Type = "Ready", Status = "True", LastTransitionTime = DateTimeOffset.UnixEpoch }],
    });

    private async Task ReconcileAsync()
    {
        _sets.Put(_api.Get<StatefulSet>(Ns, "web")!);
        _pods.Replace(_api.List<Pod>(Ns));
        _revisions.Replace(_api.List<ControllerRevision>(Ns));
        _claims.Replace(_api.List<PersistentVolumeClaim>(Ns));
        await _reconciler.ReconcileAsync(new ObjectKey(Ns, "web"), CancellationToken.None);
    }

    private void SeedSet(int replicas = 2, bool parallel = false, int start = 0, bool onDelete = false, StatefulSetPersistentVolumeClaimRetentionPolicy? retention = null)
    {
        var set = new StatefulSet
        {
            Metadata = new ObjectMeta { Name = "web", Namespace = Ns, Generation = 1 },
            Spec = new StatefulSetSpec
            {
                Replicas = replicas,
                ServiceName = "web",
                PodManagementPolicy = parallel ? "Parallel" : "OrderedReady",
                Ordinals = start == 0 ? null : new StatefulSetOrdinals { Start = start },
                Selector = new LabelSelector { MatchLabels = new() { ["app"] = "web" } },
                UpdateStrategy = onDelete
                    ? new StatefulSetUpdateStrategy { Type = "OnDelete" }
                    : new StatefulSetUpdateStrategy { Type = "RollingUpdate", RollingUpdate = new RollingUpdateStatefulSetStrategy { Partition = 0 } },
                PersistentVolumeClaimRetentionPolicy = retention ?? new() { WhenDeleted = "Retain", WhenScaled = "Retain" },
                Template = new PodTemplateSpec
                {
                    Metadata = new ObjectMeta { Labels = new() { ["app"] = "web" } },
                    Spec = new PodSpec { Containers = [new Container { Name = "nginx", Image = "nginx:1", VolumeMounts = [new VolumeMount { Name = "data", MountPath = "/data" }] }] },
                },
                VolumeClaimTemplates =
                [
                    new PersistentVolumeClaim
                    {
                        Metadata = new ObjectMeta { Name = "data" },
                        Spec = new PersistentVolumeClaimSpec
                        {
                            AccessModes = ["ReadWriteOnce"],
                            Resources = new VolumeResourceRequirements { Requests = new() { ["storage"] = Quantity.Parse("1Gi") } },
                        },
                    },
                ],
            },
        };
        _api.Seed(set);
    }
}
