using Axolotl.Api.Core;
using Axolotl.Api.Storage;

namespace Axolotl.Api.Defaulting;

/// <summary>Defaults of PersistentVolumes, PersistentVolumeClaims and StorageClasses, as upstream's v1 defaulters.</summary>
public static class StorageDefaults
{
    public const string Filesystem = "Filesystem";

    public static void ApplyPersistentVolume(PersistentVolume volume)
    {
        var spec = volume.Spec ??= new PersistentVolumeSpec();
        if (string.IsNullOrEmpty(spec.PersistentVolumeReclaimPolicy))
        {
            spec.PersistentVolumeReclaimPolicy = "Retain";
        }
        spec.VolumeMode ??= Filesystem;
        if (spec.HostPath is { Type: null } hostPath)
        {
            hostPath.Type = "";
        }
        var status = volume.Status ??= new PersistentVolumeStatus();
        if (string.IsNullOrEmpty(status.Phase))
        {
            status.Phase = "Pending";
        }
    }

    public static void ApplyPersistentVolumeClaim(PersistentVolumeClaim claim)
    {
        ApplyClaimSpec(claim.Spec ??= new PersistentVolumeClaimSpec());
        var status = claim.Status ??= new PersistentVolumeClaimStatus();
        if (string.IsNullOrEmpty(status.Phase))
        {
            status.Phase = "Pending";
        }
    }

    /// <summary>A claim spec's defaults; StatefulSet volumeClaimTemplates get the same.</summary>
    public static void ApplyClaimSpec(PersistentVolumeClaimSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.VolumeMode ??= Filesystem;
    }

    public static void ApplyStorageClass(StorageClass storageClass)
    {
        storageClass.ReclaimPolicy ??= "Delete";
        storageClass.VolumeBindingMode ??= "Immediate";
    }
}
