using Axolotl.Api.Core;
using Axolotl.Api.Storage;
using Axolotl.Client;
using Axolotl.Controllers.Runtime;

namespace Axolotl.Controllers.Volumes;

/// <summary>
/// One PersistentVolume, as upstream's syncVolume and the pv-protection controller: Available while
/// unclaimed, Bound while its claim is bound to it, Released once its claim is gone and then reclaimed
/// by its policy: Retain keeps it Released (the data stays for an administrator), Delete removes a
/// local-path volume (its node's agent removes the directory) and fails any other (no deleter for
/// it here), Recycle fails (no recycler). A deleted volume keeps its kubernetes.io/pv-protection
/// finalizer while it is Bound.
/// </summary>
public sealed class VolumeReconciler(IVolumeCache cache, IVolumeWriter writer, TimeProvider time, Action<ObjectKey> enqueueClaim) : IReconciler<ObjectKey>
{
    public const string Available = "Available";
    public const string Released = "Released";
    public const string Failed = "Failed";

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken ct)
    {
        var volume = cache.Volume(key.Name);
        if (volume is null)
        {
            return ReconcileResult.Done;
        }
        try
        {
            return await SyncAsync(volume, ct);
        }
        catch (KubeApiException e) when (e.IsConflict)
        {
            return ReconcileResult.Requeue;
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            return ReconcileResult.Done;
        }
    }

    private async Task<ReconcileResult> SyncAsync(PersistentVolume volume, CancellationToken ct)
    {
        if (volume.Metadata.DeletionTimestamp is not null && volume.Metadata.Finalizers?.Contains(VolumeAnnotations.VolumeProtectionFinalizer) == true
            && volume.Status?.Phase != ClaimReconciler.Bound)
        {
            var copy = volume.DeepCopy();
            copy.Metadata.Finalizers!.Remove(VolumeAnnotations.VolumeProtectionFinalizer);
            await writer.UpdateVolumeAsync(copy, ct);
            return ReconcileResult.Done;
        }
        var claimRef = volume.Spec?.ClaimRef;
        if (claimRef is null || string.IsNullOrEmpty(claimRef.Uid))
        {
            // Unclaimed, or reserved by the user for a claim not yet bound.
            if (claimRef is not null)
            {
                enqueueClaim(new ObjectKey(claimRef.Namespace, claimRef.Name ?? ""));
            }
            await SetPhaseAsync(volume, Available, null, null, ct);
            return ReconcileResult.Done;
        }
        var claim = cache.Claim(claimRef.Namespace ?? "", claimRef.Name ?? "");
        if (claim is not null && claim.Metadata.Uid != claimRef.Uid)
        {
            claim = null; // a new claim of the same name; ours is gone
        }
        if (claim is null)
        {
            return await ReclaimAsync(volume, ct);
        }
        if (string.IsNullOrEmpty(claim.Spec?.VolumeName))
        {
            // Pre-bound (a provisioned volume): the claim's sync completes the binding.
            enqueueClaim(ObjectKey.Of(claim));
            return ReconcileResult.Done;
        }
        if (claim.Spec.VolumeName == volume.Metadata.Name)
        {
            await SetPhaseAsync(volume, ClaimReconciler.Bound, null, null, ct);
            return ReconcileResult.Done;
        }
        if (volume.Metadata.Annotations?.ContainsKey(VolumeAnnotations.BoundByController) == true)
        {
            // We bound it to a claim that went to another volume: free it.
            var copy = volume.DeepCopy();
            copy.Spec!.ClaimRef = null;
            copy.Metadata.Annotations!.Remove(VolumeAnnotations.BoundByController);
            volume = await writer.UpdateVolumeAsync(copy, ct);
            await SetPhaseAsync(volume, Available, null, null, ct);
        }
        return ReconcileResult.Done;
    }

    private async Task<ReconcileResult> ReclaimAsync(PersistentVolume volume, CancellationToken ct)
    {
        if (volume.Status?.Phase is not (Released or Failed))
        {
            volume = await SetPhaseAsync(volume, Released, null, null, ct);
        }
        if (volume.Status?.Phase == Failed)
        {
            return ReconcileResult.Done;
        }
        switch (volume.Spec?.PersistentVolumeReclaimPolicy ?? "Retain")
        {
            case "Retain":
                return ReconcileResult.Done;
            case "Recycle":
                await FailAsync(volume, "VolumeFailedRecycle", "No recycler plugin found for the volume!", ct);
                return ReconcileResult.Done;
            default:
                if (volume.Metadata.Annotations?.GetValueOrDefault(VolumeAnnotations.ProvisionedBy) == LocalPath.Provisioner)
                {
                    if (volume.Metadata.DeletionTimestamp is null)
                    {
                        await writer.DeleteVolumeAsync(volume.Metadata.Name ?? "", volume.Metadata.Uid, ct);
                    }
                    return ReconcileResult.Done;
                }
                await FailAsync(volume, "VolumeFailedDelete",
                    $"error getting deleter volume plugin for volume \"{volume.Metadata.Name}\": no deletable volume plugin matched", ct);
                return ReconcileResult.Done;
        }
    }

    private async Task FailAsync(PersistentVolume volume, string reason, string message, CancellationToken ct)
    {
        writer.Event(volume, "Warning", reason, message);
        await SetPhaseAsync(volume, Failed, reason, message, ct);
    }

    private async Task<PersistentVolume> SetPhaseAsync(PersistentVolume volume, string phase, string? reason, string? message, CancellationToken ct)
    {
        if (volume.Status?.Phase == phase && volume.Status.Reason == reason && volume.Status.Message == message)
        {
            return volume;
        }
        var copy = volume.DeepCopy();
        var changed = copy.Status?.Phase != phase;
        copy.Status ??= new PersistentVolumeStatus();
        copy.Status.Phase = phase;
        copy.Status.Reason = reason;
        copy.Status.Message = message;
        if (changed)
        {
            copy.Status.LastPhaseTransitionTime = time.GetUtcNow();
        }
        return await writer.UpdateVolumeStatusAsync(copy, ct);
    }
}
