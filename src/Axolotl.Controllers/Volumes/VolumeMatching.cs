using Axolotl.Api.Core;
using Axolotl.Api.Resources;
using Axolotl.Api.Storage;
using Axolotl.Api.Validation;

namespace Axolotl.Controllers.Volumes;

/// <summary>
/// The PV controller's matching rules (upstream's findMatchingVolume and checkVolumeSatisfyClaim):
/// a volume pre-bound to the claim wins; otherwise, of the Available volumes of the claim's class whose
/// access modes include the claim's, whose volume mode and selector match and whose capacity covers the
/// request, the smallest. With a node (a WaitForFirstConsumer claim whose node is chosen) the volume's
/// node affinity must admit it.
/// </summary>
public static class VolumeMatching
{
    public static PersistentVolume? FindBestMatch(PersistentVolumeClaim claim, IEnumerable<PersistentVolume> volumes, Node? node)
    {
        ArgumentNullException.ThrowIfNull(claim);
        PersistentVolume? best = null;
        var bestSize = default(Quantity);
        var request = Requested(claim);
        foreach (var volume in volumes.OrderBy(v => v.Metadata.Name, StringComparer.Ordinal))
        {
            if (volume.Metadata.DeletionTimestamp is not null || !SameVolumeMode(claim, volume))
            {
                continue;
            }
            var affinityOk = node is null || NodeSelectorMatch.Matches(volume.Spec?.NodeAffinity?.Required, node);
            if (IsPreBoundTo(volume, claim))
            {
                return affinityOk ? volume : null;
            }
            if (!affinityOk || volume.Spec?.ClaimRef is not null || volume.Status?.Phase != "Available")
            {
                continue;
            }
            if (claim.Spec?.Selector is { } selector && !SelectorMatch.Matches(selector, volume.Metadata.Labels ?? []))
            {
                continue;
            }
            if (VolumeAnnotations.ClassOf(volume) != VolumeAnnotations.ClassOf(claim) || !HasAccessModes(volume, claim))
            {
                continue;
            }
            var size = Capacity(volume);
            if (size < request)
            {
                continue;
            }
            if (best is null || size < bestSize)
            {
                best = volume;
                bestSize = size;
            }
        }
        return best;
    }

    /// <summary>Why <paramref name="volume"/> cannot serve <paramref name="claim"/> (checkVolumeSatisfyClaim), or null when it can.</summary>
    public static string? Unsatisfied(PersistentVolume volume, PersistentVolumeClaim claim)
    {
        ArgumentNullException.ThrowIfNull(volume);
        if (Capacity(volume) < Requested(claim))
        {
            return "requested PV is too small";
        }
        if (VolumeAnnotations.ClassOf(volume) != VolumeAnnotations.ClassOf(claim))
        {
            return "storageClassName does not match";
        }
        if (!SameVolumeMode(claim, volume))
        {
            return "incompatible volumeMode";
        }
        return HasAccessModes(volume, claim) ? null : "incompatible accessMode";
    }

    /// <summary>Whether the volume's claimRef names this claim (by namespace and name, and uid when set).</summary>
    public static bool IsPreBoundTo(PersistentVolume volume, PersistentVolumeClaim claim) =>
        volume.Spec?.ClaimRef is { } r && r.Name == claim.Metadata.Name && r.Namespace == claim.Metadata.Namespace
        && (string.IsNullOrEmpty(r.Uid) || r.Uid == claim.Metadata.Uid);

    public static Quantity Requested(PersistentVolumeClaim claim) =>
        claim.Spec?.Resources?.Requests?.TryGetValue(StorageValidation.Storage, out var q) == true ? q : default;

    public static Quantity Capacity(PersistentVolume volume) =>
        volume.Spec?.Capacity?.TryGetValue(StorageValidation.Storage, out var q) == true ? q : default;

    private static bool HasAccessModes(PersistentVolume volume, PersistentVolumeClaim claim) =>
        (claim.Spec?.AccessModes ?? []).All(m => volume.Spec?.AccessModes?.Contains(m) == true);

    private static bool SameVolumeMode(PersistentVolumeClaim claim, PersistentVolume volume) =>
        (claim.Spec?.VolumeMode ?? "Filesystem") == (volume.Spec?.VolumeMode ?? "Filesystem");
}
