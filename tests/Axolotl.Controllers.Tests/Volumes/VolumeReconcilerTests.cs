using Axolotl.Api.Core;
using Axolotl.Api.Storage;
using Axolotl.Controllers.Runtime;
using Axolotl.Controllers.Volumes;
using Axolotl.Testing;
using static Axolotl.Controllers.Tests.Volumes.VolumeObjects;

namespace Axolotl.Controllers.Tests.Volumes;

public sealed class VolumeReconcilerTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly FakeVolumeWorld _world = new();
    private readonly FakeTimeProvider _time = new(Start);
    private readonly List<ObjectKey> _claimsEnqueued = [];
    private readonly VolumeReconciler _volumes;

    public VolumeReconcilerTests() => _volumes = new VolumeReconciler(_world, _world, _time, _claimsEnqueued.Add);

    private Task<ReconcileResult> SyncAsync(string name) => _volumes.ReconcileAsync(new ObjectKey(null, name), CancellationToken.None);

    private PersistentVolume BoundTo(PersistentVolume volume, string claim)
    {
        volume.Spec!.ClaimRef = new ObjectReference { Kind = "PersistentVolumeClaim", Namespace = "ns", Name = claim, Uid = "uid-" + claim };
        return _world.Add(volume);
    }

    [Fact]
    public async Task A_new_volume_becomes_Available()
    {
        var volume = Volume("fresh", "1Gi", "manual", phase: "Pending");
        _world.Add(volume);

        await SyncAsync("fresh");

        Assert.Equal("Available", _world.Volume("fresh")!.Status!.Phase);
        Assert.Equal(Start, _world.Volume("fresh")!.Status!.LastPhaseTransitionTime);
    }

    [Fact]
    public async Task A_Retain_volume_whose_claim_is_gone_is_Released_and_kept()
    {
        BoundTo(Volume("keep", "1Gi", "manual", phase: "Bound", policy: "Retain"), "gone");
        _time.Advance(TimeSpan.FromMinutes(5));

        await SyncAsync("keep");

        var volume = _world.Volume("keep")!;
        Assert.Equal("Released", volume.Status!.Phase);
        Assert.Equal(Start.AddMinutes(5), volume.Status.LastPhaseTransitionTime);
        Assert.Empty(_world.DeletedVolumes);
        // A new claim of the same name (another uid) does not take it back.
        var claim = Claim("gone", "1Gi", "manual");
        claim.Metadata.Uid = "uid-new";
        _world.Add(claim);
        await SyncAsync("keep");
        Assert.Equal("Released", _world.Volume("keep")!.Status!.Phase);
    }

    [Fact]
    public async Task A_Delete_volume_made_by_local_path_is_deleted_when_its_claim_is_gone()
    {
        var volume = Volume("pvc-1", "1Gi", LocalPath.ClassName, phase: "Bound", policy: "Delete");
        volume.Metadata.Annotations = new() { [VolumeAnnotations.ProvisionedBy] = LocalPath.Provisioner };
        BoundTo(volume, "gone");

        await SyncAsync("pvc-1");

        Assert.Equal(["pvc-1"], _world.DeletedVolumes);
    }

    [Fact]
    public async Task A_Delete_volume_no_provisioner_made_fails_as_upstream_has_no_deleter_for_it()
    {
        BoundTo(Volume("static", "1Gi", "manual", phase: "Bound", policy: "Delete"), "gone");

        await SyncAsync("static");

        var volume = _world.Volume("static")!;
        Assert.Equal("Failed", volume.Status!.Phase);
        Assert.Equal("VolumeFailedDelete", volume.Status.Reason);
        Assert.Contains(_world.Events, e => e is { Type: "Warning", Reason: "VolumeFailedDelete", Message: "error getting deleter volume plugin for volume \"static\": no deletable volume plugin matched" });
        Assert.Empty(_world.DeletedVolumes);
    }

    [Fact]
    public async Task A_volume_bound_to_a_claim_that_names_it_is_Bound_and_a_pre_bound_one_hands_over_to_the_claim()
    {
        BoundTo(Volume("v", "1Gi", "manual", phase: "Available"), "data");
        var claim = Claim("data", "1Gi", "manual");
        _world.Add(claim);

        await SyncAsync("v");
        Assert.Equal([new ObjectKey("ns", "data")], _claimsEnqueued);

        _world.Claim("ns", "data").Spec!.VolumeName = "v";
        await SyncAsync("v");
        Assert.Equal("Bound", _world.Volume("v")!.Status!.Phase);
    }

    [Fact]
    public async Task A_deleted_volume_keeps_its_protection_finalizer_while_Bound()
    {
        var volume = BoundTo(Volume("v", "1Gi", "manual", phase: "Bound"), "data");
        volume.Metadata.DeletionTimestamp = Start;
        var claim = Claim("data", "1Gi", "manual");
        claim.Spec!.VolumeName = "v";
        _world.Add(claim);

        await SyncAsync("v");
        Assert.Equal([VolumeAnnotations.VolumeProtectionFinalizer], _world.Volume("v")!.Metadata.Finalizers);

        _world.Claims.Clear();
        await SyncAsync("v"); // Released
        await SyncAsync("v"); // no longer in use: the finalizer goes

        Assert.Empty(_world.Volume("v")!.Metadata.Finalizers!);
    }
}
