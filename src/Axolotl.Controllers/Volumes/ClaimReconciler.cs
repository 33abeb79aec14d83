using Axolotl.Api.Core;
using Axolotl.Api.Storage;
using Axolotl.Client;
using Axolotl.Controllers.Runtime;

namespace Axolotl.Controllers.Volumes;

/// <summary>
/// One claim, as kube-controller-manager's persistentvolume controller syncs it (syncUnboundClaim,
/// syncBoundClaim) plus the pvc-protection controller: bind it to the best matching volume or to
/// the one it names, wait for its first consumer (WaitForFirstConsumer), hand it to its class's
/// provisioner (local-path runs here), keep a bound claim's status and report a lost volume; a
/// deleted claim keeps its kubernetes.io/pvc-protection finalizer while a scheduled, unfinished pod
/// uses it.
/// </summary>
public sealed class ClaimReconciler(IVolumeCache cache, IVolumeWriter writer, TimeProvider time) : IReconciler<ObjectKey>
{
    public const string Pending = "Pending";
    public const string Bound = "Bound";
    public const string Lost = "Lost";

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken ct)
    {
        var claim = cache.Claim(key.Namespace ?? "", key.Name);
        if (claim is null)
        {
            return ReconcileResult.Done;
        }
        try
        {
            if (claim.Metadata.DeletionTimestamp is not null)
            {
                return await ReleaseProtectionAsync(claim, ct);
            }
            return claim.Metadata.Annotations?.ContainsKey(VolumeAnnotations.BindCompleted) == true
                ? await SyncBoundAsync(claim, ct)
                : await SyncUnboundAsync(claim, ct);
        }
        catch (KubeApiException e) when (e.IsConflict)
        {
            return ReconcileResult.Requeue;
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            return ReconcileResult.Requeue;
        }
    }

    /// <summary>Whether a scheduled pod that has not finished names the claim among its volumes (upstream's podUsesPVC).</summary>
    public static bool InUse(PersistentVolumeClaim claim, IEnumerable<Pod> podsInNamespace) =>
        podsInNamespace.Any(p => !string.IsNullOrEmpty(p.Spec?.NodeName)
            && p.Status?.Phase is not ("Succeeded" or "Failed")
            && (p.Spec.Volumes ?? []).Any(v => v.PersistentVolumeClaim?.ClaimName == claim.Metadata.Name));

    private async Task<ReconcileResult> ReleaseProtectionAsync(PersistentVolumeClaim claim, CancellationToken ct)
    {
        if (claim.Metadata.Finalizers?.Contains(VolumeAnnotations.ClaimProtectionFinalizer) != true
            || InUse(claim, cache.Pods(claim.Metadata.Namespace ?? "")))
        {
            return ReconcileResult.Done;
        }
        var copy = claim.DeepCopy();
        copy.Metadata.Finalizers!.Remove(VolumeAnnotations.ClaimProtectionFinalizer);
        await writer.UpdateClaimAsync(copy, ct);
        return ReconcileResult.Done;
    }

    private async Task<ReconcileResult> SyncUnboundAsync(PersistentVolumeClaim claim, CancellationToken ct)
    {
        var volumeName = claim.Spec?.VolumeName;
        if (string.IsNullOrEmpty(volumeName))
        {
            return await FindOrProvisionAsync(claim, ct);
        }
        // The user asked for a particular volume.
        var volume = cache.Volume(volumeName);
        if (volume is null)
        {
            await SetPhaseAsync(claim, Pending, ct);
            return ReconcileResult.Done;
        }
        if (volume.Spec?.ClaimRef is null)
        {
            if (VolumeMatching.Unsatisfied(volume, claim) is { } reason)
            {
                writer.Event(claim, "Warning", "FailedBinding", $"Cannot bind to requested volume \"{volume.Metadata.Name}\": {reason}");
                await SetPhaseAsync(claim, Pending, ct);
                return ReconcileResult.Done;
            }
            await BindAsync(volume, claim, ct);
            return ReconcileResult.Done;
        }
        if (VolumeMatching.IsPreBoundTo(volume, claim))
        {
            await BindAsync(volume, claim, ct);
            return ReconcileResult.Done;
        }
        writer.Event(claim, "Warning", "FailedBinding", $"volume \"{volume.Metadata.Name}\" already bound to a different claim.");
        await SetPhaseAsync(claim, Pending, ct);
        return ReconcileResult.Done;
    }

    private async Task<ReconcileResult> FindOrProvisionAsync(PersistentVolumeClaim claim, CancellationToken ct)
    {
        var className = VolumeAnnotations.ClassOf(claim);
        var storageClass = className.Length == 0 ? null : cache.Class(className);
        var delayBinding = storageClass?.VolumeBindingMode == "WaitForFirstConsumer";
        var selectedNode = claim.Metadata.Annotations?.GetValueOrDefault(VolumeAnnotations.SelectedNode);
        if (delayBinding && string.IsNullOrEmpty(selectedNode))
        {
            // The scheduler picks the node first (and sets selected-node); until then, nothing to bind.
            writer.Event(claim, "Normal", "WaitForFirstConsumer", "waiting for first consumer to be created before binding");
            await SetPhaseAsync(claim, Pending, ct);
            return ReconcileResult.Done;
        }
        var node = string.IsNullOrEmpty(selectedNode) ? null : cache.Node(selectedNode);
        // A delayed claim binds only to a volume its chosen node can reach (an unknown node reaches none).
        var match = delayBinding && node is null ? null : VolumeMatching.FindBestMatch(claim, cache.Volumes(), delayBinding ? node : null);
        if (match is not null)
        {
            await BindAsync(match, claim, ct);
            return ReconcileResult.Done;
        }
        if (className.Length == 0)
        {
            writer.Event(claim, "Normal", "FailedBinding", "no persistent volumes available for this claim and no storage class is set");
            await SetPhaseAsync(claim, Pending, ct);
            return ReconcileResult.Done;
        }
        if (storageClass is null)
        {
            writer.Event(claim, "Warning", "ProvisioningFailed", $"storageclass.storage.k8s.io \"{className}\" not found");
            await SetPhaseAsync(claim, Pending, ct);
            return ReconcileResult.Done;
        }
        if (storageClass.Provisioner == "kubernetes.io/no-provisioner")
        {
            writer.Event(claim, "Normal", "FailedBinding", "no persistent volumes available for this claim and no storage class is set");
            await SetPhaseAsync(claim, Pending, ct);
            return ReconcileResult.Done;
        }
        claim = await MarkForProvisionerAsync(claim, storageClass.Provisioner, ct);
        writer.Event(claim, "Normal", "ExternalProvisioning",
            $"Waiting for a volume to be created either by the external provisioner '{storageClass.Provisioner}' or manually by the system administrator. " +
            "If volume creation is delayed, please verify that the provisioner is running and correctly registered.");
        await SetPhaseAsync(claim, Pending, ct);
        if (storageClass.Provisioner != LocalPath.Provisioner)
        {
            // Another provisioner's claim: it stays Pending until someone makes its volume.
            return ReconcileResult.Done;
        }
        return await ProvisionLocalPathAsync(claim, storageClass, selectedNode, node, ct);
    }

    private async Task<ReconcileResult> ProvisionLocalPathAsync(PersistentVolumeClaim claim, StorageClass storageClass, string? nodeName, Node? node, CancellationToken ct)
    {
        var name = LocalPath.VolumeName(claim.Metadata.Uid ?? "");
        if (cache.Volume(name) is not null)
        {
            // Already made; the volume's sync completes the binding.
            return ReconcileResult.Done;
        }
        var outcome = LocalPathProvisioner.Provision(claim, storageClass, node, nodeName, cache.Volumes());
        if (outcome.Volume is null)
        {
            writer.Event(claim, "Warning", "ProvisioningFailed",
                $"failed to provision volume with StorageClass \"{storageClass.Metadata.Name}\": {outcome.Error}", provisioner: true);
            // Space may be freed, or the node's agent may announce its storage: try again later.
            return ReconcileResult.Requeue;
        }
        writer.Event(claim, "Normal", "Provisioning", $"External provisioner is provisioning volume for claim \"{claim.Metadata.Namespace}/{claim.Metadata.Name}\"", provisioner: true);
        PersistentVolume created;
        try
        {
            created = await writer.CreateVolumeAsync(outcome.Volume, ct);
        }
        catch (KubeApiException e) when (e.IsAlreadyExists)
        {
            return ReconcileResult.Done;
        }
        writer.Event(claim, "Normal", "ProvisioningSucceeded", $"Successfully provisioned volume {created.Metadata.Name}", provisioner: true);
        await BindAsync(created, claim, ct);
        return ReconcileResult.Done;
    }

    /// <summary>Names the provisioner on the claim (both annotations, as upstream sets them) so the provisioner knows the claim is its.</summary>
    private async Task<PersistentVolumeClaim> MarkForProvisionerAsync(PersistentVolumeClaim claim, string provisioner, CancellationToken ct)
    {
        var annotations = claim.Metadata.Annotations;
        if (annotations?.GetValueOrDefault(VolumeAnnotations.StorageProvisioner) == provisioner
            && annotations.GetValueOrDefault(VolumeAnnotations.BetaStorageProvisioner) == provisioner)
        {
            return claim;
        }
        var copy = claim.DeepCopy();
        copy.Metadata.Annotations ??= [];
        copy.Metadata.Annotations[VolumeAnnotations.StorageProvisioner] = provisioner;
        copy.Metadata.Annotations[VolumeAnnotations.BetaStorageProvisioner] = provisioner;
        return await writer.UpdateClaimAsync(copy, ct);
    }

    private async Task<ReconcileResult> SyncBoundAsync(PersistentVolumeClaim claim, CancellationToken ct)
    {
        var volumeName = claim.Spec?.VolumeName;
        if (string.IsNullOrEmpty(volumeName))
        {
            await LoseAsync(claim, "ClaimLost", "Bound claim has lost reference to PersistentVolume. Data on the volume is lost!", ct);
            return ReconcileResult.Done;
        }
        var volume = cache.Volume(volumeName);
        if (volume is null)
        {
            await LoseAsync(claim, "ClaimLost", "Bound claim has lost its PersistentVolume. Data on the volume is lost!", ct);
            return ReconcileResult.Done;
        }
        if (volume.Spec?.ClaimRef is null || volume.Spec.ClaimRef.Uid == claim.Metadata.Uid)
        {
            await BindAsync(volume, claim, ct);
            return ReconcileResult.Done;
        }
        await LoseAsync(claim, "ClaimMisbound", "Two claims are bound to the same volume, this one is bound incorrectly", ct);
        return ReconcileResult.Done;
    }

    private async Task LoseAsync(PersistentVolumeClaim claim, string reason, string message, CancellationToken ct)
    {
        if (claim.Status?.Phase != Lost)
        {
            writer.Event(claim, "Warning", reason, message);
        }
        await SetPhaseAsync(claim, Lost, ct);
    }

    /// <summary>
    /// upstream's bind: the volume's claimRef (bound-by-controller when we set it), the volume's phase
    /// Bound, the claim's volumeName with bind-completed (and bound-by-controller when we set it), then
    /// the claim's status: Bound with the volume's access modes and capacity. Each step is skipped when done.
    /// </summary>
    private async Task BindAsync(PersistentVolume volume, PersistentVolumeClaim claim, CancellationToken ct)
    {
        var claimRef = volume.Spec?.ClaimRef;
        if (claimRef is null || claimRef.Name != claim.Metadata.Name || claimRef.Namespace != claim.Metadata.Namespace || claimRef.Uid != claim.Metadata.Uid)
        {
            var copy = volume.DeepCopy();
            copy.Spec ??= new PersistentVolumeSpec();
            copy.Spec.ClaimRef = new ObjectReference
            {
                Kind = "PersistentVolumeClaim",
                Namespace = claim.Metadata.Namespace,
                Name = claim.Metadata.Name,
                Uid = claim.Metadata.Uid,
                ApiVersion = "v1",
                ResourceVersion = claim.Metadata.ResourceVersion,
            };
            copy.Metadata.Annotations ??= [];
            copy.Metadata.Annotations[VolumeAnnotations.BoundByController] = "yes";
            volume = await writer.UpdateVolumeAsync(copy, ct);
        }
        if (volume.Status?.Phase != Bound)
        {
            var copy = volume.DeepCopy();
            copy.Status = new PersistentVolumeStatus { Phase = Bound, LastPhaseTransitionTime = time.GetUtcNow() };
            volume = await writer.UpdateVolumeStatusAsync(copy, ct);
        }
        if (claim.Spec?.VolumeName != volume.Metadata.Name || claim.Metadata.Annotations?.ContainsKey(VolumeAnnotations.BindCompleted) != true)
        {
            var copy = claim.DeepCopy();
            copy.Spec ??= new PersistentVolumeClaimSpec();
            copy.Metadata.Annotations ??= [];
            if (copy.Spec.VolumeName != volume.Metadata.Name)
            {
                copy.Spec.VolumeName = volume.Metadata.Name;
                copy.Metadata.Annotations[VolumeAnnotations.BoundByController] = "yes";
            }
            copy.Metadata.Annotations[VolumeAnnotations.BindCompleted] = "yes";
            claim = await writer.UpdateClaimAsync(copy, ct);
        }
        var capacity = volume.Spec?.Capacity;
        var status = claim.Status;
        if (status?.Phase != Bound || !SameModes(status.AccessModes, volume.Spec?.AccessModes) || !SameCapacity(status.Capacity, capacity))
        {
            var copy = claim.DeepCopy();
            copy.Status ??= new PersistentVolumeClaimStatus();
            copy.Status.Phase = Bound;
            copy.Status.AccessModes = volume.Spec?.AccessModes is { } modes ? [.. modes] : null;
            copy.Status.Capacity = capacity is null ? null : new Dictionary<string, Api.Resources.Quantity>(capacity, StringComparer.Ordinal);
            await writer.UpdateClaimStatusAsync(copy, ct);
        }
    }

    private async Task SetPhaseAsync(PersistentVolumeClaim claim, string phase, CancellationToken ct)
    {
        if (claim.Status?.Phase == phase)
        {
            return;
        }
        var copy = claim.DeepCopy();
        copy.Status ??= new PersistentVolumeClaimStatus();
        copy.Status.Phase = phase;
        await writer.UpdateClaimStatusAsync(copy, ct);
    }

    private static bool SameModes(List<string>? a, List<string>? b) => (a ?? []).SequenceEqual(b ?? []);

    private static bool SameCapacity(Dictionary<string, Api.Resources.Quantity>? a, Dictionary<string, Api.Resources.Quantity>? b) =>
        (a ?? []).Count == (b ?? []).Count && (a ?? []).All(p => b!.TryGetValue(p.Key, out var q) && q.CompareTo(p.Value) == 0);
}
