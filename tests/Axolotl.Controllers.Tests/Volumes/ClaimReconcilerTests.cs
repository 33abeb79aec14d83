using Axolotl.Api.Meta;
using Axolotl.Api.Storage;
using Axolotl.Controllers.Runtime;
using Axolotl.Controllers.Volumes;
using Axolotl.Testing;
using static Axolotl.Controllers.Tests.Volumes.VolumeObjects;

namespace Axolotl.Controllers.Tests.Volumes;

public sealed class ClaimReconcilerTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly FakeVolumeWorld _world = new();
    private readonly FakeTimeProvider _time = new(Start);
    private readonly ClaimReconciler _claims;

    public ClaimReconcilerTests() => _claims = new ClaimReconciler(_world, _world, _time);

    private Task<ReconcileResult> SyncAsync(string name) => _claims.ReconcileAsync(new ObjectKey("ns", name), CancellationToken.None);

    [Fact]
    public async Task A_claim_binds_the_smallest_available_volume_of_its_class_with_its_access_modes()
    {
        _world.Add(Volume("too-small", "1Gi", "manual"));
        _world.Add(Volume("big", "10Gi", "manual"));
        _world.Add(Volume("fits", "5Gi", "manual", modes: ["ReadWriteOnce", "ReadOnlyMany"]));
        _world.Add(Volume("other-class", "3Gi", "fast"));
        _world.Add(Volume("wrong-mode", "3Gi", "manual", modes: ["ReadOnlyMany"]));
        _world.Add(Volume("taken", "3Gi", "manual", phase: "Bound"));
        _world.Add(Claim("data", "2Gi", "manual"));

        Assert.Equal(ReconcileResult.Done, await SyncAsync("data"));

        var claim = _world.Claim("ns", "data");
        Assert.Equal("fits", claim.Spec!.VolumeName);
        Assert.Equal("yes", claim.Metadata.Annotations![VolumeAnnotations.BindCompleted]);
        Assert.Equal("yes", claim.Metadata.Annotations[VolumeAnnotations.BoundByController]);
        Assert.Equal("Bound", claim.Status!.Phase);
        Assert.Equal(["ReadWriteOnce", "ReadOnlyMany"], claim.Status.AccessModes);
        Assert.Equal("5Gi", claim.Status.Capacity!["storage"].ToString());
        var volume = _world.Volume("fits")!;
        Assert.Equal(("ns", "data", "uid-data"), (volume.Spec!.ClaimRef!.Namespace, volume.Spec.ClaimRef.Name, volume.Spec.ClaimRef.Uid));
        Assert.Equal("Bound", volume.Status!.Phase);
        Assert.Equal(Start, volume.Status.LastPhaseTransitionTime);
        Assert.Equal("Available", _world.Volume("big")!.Status!.Phase);
    }

    [Fact]
    public async Task A_claim_without_a_class_and_without_a_match_waits_with_FailedBinding()
    {
        _world.Add(Volume("manual", "5Gi", "manual"));
        _world.Add(Claim("plain", "1Gi", ""));

        await SyncAsync("plain");

        Assert.Equal("Pending", _world.Claim("ns", "plain").Status!.Phase);
        Assert.Contains(_world.Events, e => e is { Type: "Normal", Reason: "FailedBinding", Message: "no persistent volumes available for this claim and no storage class is set" });
    }

    [Fact]
    public async Task A_claim_of_a_class_that_does_not_exist_stays_Pending_with_ProvisioningFailed()
    {
        _world.Add(Claim("fast", "1Gi", "no-such-class"));

        await SyncAsync("fast");

        Assert.Equal("Pending", _world.Claim("ns", "fast").Status!.Phase);
        Assert.Contains(_world.Events, e => e is { Type: "Warning", Reason: "ProvisioningFailed", Message: "storageclass.storage.k8s.io \"no-such-class\" not found" });
        Assert.Empty(_world.VolumesByName);
    }

    [Fact]
    public async Task A_WaitForFirstConsumer_claim_waits_for_its_node_then_gets_a_local_path_volume_there()
    {
        _world.Classes[LocalPath.ClassName] = LocalPathClass();
        _world.Nodes["n1"] = Node("n1", "10Gi");
        _world.Add(Claim("data", "1Gi", LocalPath.ClassName));

        await SyncAsync("data");

        Assert.Empty(_world.VolumesByName);
        Assert.Contains(_world.Events, e => e is { Reason: "WaitForFirstConsumer", Message: "waiting for first consumer to be created before binding" });

        // The scheduler chose n1.
        var chosen = _world.Claim("ns", "data");
        chosen.Metadata.Annotations = new() { [VolumeAnnotations.SelectedNode] = "n1" };
        Assert.Equal(ReconcileResult.Done, await SyncAsync("data"));

        var claim = _world.Claim("ns", "data");
        var volume = Assert.Single(_world.VolumesByName.Values);
        Assert.Equal("pvc-uid-data", volume.Metadata.Name);
        Assert.Equal(claim.Spec!.VolumeName, volume.Metadata.Name);
        Assert.Equal("Bound", claim.Status!.Phase);
        Assert.Equal(LocalPath.Provisioner, claim.Metadata.Annotations![VolumeAnnotations.StorageProvisioner]);
        Assert.Equal(LocalPath.Provisioner, volume.Metadata.Annotations![VolumeAnnotations.ProvisionedBy]);
        Assert.Equal("/var/lib/axolotl/n1/storage/pvc-uid-data_ns_data", volume.Spec!.HostPath!.Path);
        Assert.Equal("DirectoryOrCreate", volume.Spec.HostPath.Type);
        var term = Assert.Single(volume.Spec.NodeAffinity!.Required!.NodeSelectorTerms);
        var requirement = Assert.Single(term.MatchExpressions!);
        Assert.Equal((WellKnown.LabelHostname, "In", "n1"), (requirement.Key, requirement.Operator, Assert.Single(requirement.Values!)));
        Assert.Equal("Delete", volume.Spec.PersistentVolumeReclaimPolicy);
        Assert.Equal("1Gi", volume.Spec.Capacity!["storage"].ToString());
        // A claimRef with the uid: the provisioner pre-binds, so the volume is not bound-by-controller.
        Assert.False(volume.Metadata.Annotations.ContainsKey(VolumeAnnotations.BoundByController));
        Assert.Equal(["ExternalProvisioning", "Provisioning", "ProvisioningSucceeded"],
            _world.Events.Where(e => e.Reason is "ExternalProvisioning" or "Provisioning" or "ProvisioningSucceeded").Select(e => e.Reason));
        Assert.All(_world.Events.Where(e => e.Reason.StartsWith("Provisioning", StringComparison.Ordinal)), e => Assert.True(e.Provisioner));
    }

    [Fact]
    public async Task A_claim_larger_than_what_the_nodes_disk_has_left_is_not_provisioned()
    {
        _world.Classes[LocalPath.ClassName] = LocalPathClass();
        _world.Nodes["n1"] = Node("n1", "10Gi");
        var existing = Volume("pvc-old", "8Gi", LocalPath.ClassName, phase: "Bound");
        existing.Metadata.Annotations = new() { [VolumeAnnotations.ProvisionedBy] = LocalPath.Provisioner, [LocalPath.SelectedNodeAnnotation] = "n1" };
        _world.Add(existing);
        var claim = Claim("big", "3Gi", LocalPath.ClassName);
        claim.Metadata.Annotations = new() { [VolumeAnnotations.SelectedNode] = "n1" };
        _world.Add(claim);

        Assert.Equal(ReconcileResult.Requeue, await SyncAsync("big"));

        Assert.Single(_world.VolumesByName);
        Assert.Equal("Pending", _world.Claim("ns", "big").Status!.Phase);
        var failed = Assert.Single(_world.Events, e => e.Reason == "ProvisioningFailed");
        Assert.Equal("failed to provision volume with StorageClass \"local-path\": not enough disk space on node n1: the claim requests 3Gi, 2Gi of the node's 10Gi is not yet provisioned",
            failed.Message);
    }

    [Fact]
    public async Task A_claim_naming_a_volume_bound_elsewhere_waits_with_FailedBinding()
    {
        var taken = Volume("taken", "5Gi", "manual", phase: "Bound");
        taken.Spec!.ClaimRef = new() { Namespace = "ns", Name = "first", Uid = "uid-first" };
        _world.Add(taken);
        var claim = Claim("second", "1Gi", "manual");
        claim.Spec!.VolumeName = "taken";
        _world.Add(claim);

        await SyncAsync("second");

        Assert.Contains(_world.Events, e => e is { Type: "Warning", Reason: "FailedBinding", Message: "volume \"taken\" already bound to a different claim." });
        Assert.Equal("Pending", _world.Claim("ns", "second").Status!.Phase);
    }

    [Fact]
    public async Task A_bound_claim_whose_volume_is_gone_is_Lost()
    {
        var claim = Claim("orphan", "1Gi", "manual");
        claim.Spec!.VolumeName = "vanished";
        claim.Metadata.Annotations = new() { [VolumeAnnotations.BindCompleted] = "yes" };
        claim.Status!.Phase = "Bound";
        _world.Add(claim);

        await SyncAsync("orphan");

        Assert.Equal("Lost", _world.Claim("ns", "orphan").Status!.Phase);
        Assert.Contains(_world.Events, e => e is { Type: "Warning", Reason: "ClaimLost", Message: "Bound claim has lost its PersistentVolume. Data on the volume is lost!" });
    }

    [Fact]
    public async Task A_deleted_claim_keeps_its_protection_finalizer_while_a_scheduled_pod_uses_it()
    {
        var claim = Claim("busy", "1Gi", "manual");
        claim.Metadata.DeletionTimestamp = Start;
        _world.Add(claim);
        _world.AllPods.Add(PodUsing("busy", node: "n1"));
        _world.AllPods.Add(PodUsing("other", node: "n1"));

        await SyncAsync("busy");
        Assert.Equal([VolumeAnnotations.ClaimProtectionFinalizer], _world.Claim("ns", "busy").Metadata.Finalizers);

        // A finished pod, or one never scheduled, does not hold the claim.
        _world.AllPods[0] = PodUsing("busy", node: "n1", phase: "Succeeded");
        _world.AllPods.Add(PodUsing("busy", node: null, phase: "Pending"));
        await SyncAsync("busy");

        Assert.Empty(_world.Claim("ns", "busy").Metadata.Finalizers!);
    }
}
