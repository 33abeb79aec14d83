namespace Axolotl.Api.Storage;

/// <summary>The annotations and finalizers the PV controller, the scheduler and provisioners share, with upstream's names.</summary>
public static class VolumeAnnotations
{
    public const string BindCompleted = "pv.kubernetes.io/bind-completed";
    public const string BoundByController = "pv.kubernetes.io/bound-by-controller";
    public const string ProvisionedBy = "pv.kubernetes.io/provisioned-by";
    public const string SelectedNode = "volume.kubernetes.io/selected-node";
    public const string StorageProvisioner = "volume.kubernetes.io/storage-provisioner";
    public const string BetaStorageProvisioner = "volume.beta.kubernetes.io/storage-provisioner";
    public const string BetaStorageClass = "volume.beta.kubernetes.io/storage-class";
    public const string ClaimProtectionFinalizer = "kubernetes.io/pvc-protection";
    public const string VolumeProtectionFinalizer = "kubernetes.io/pv-protection";

    /// <summary>The class a claim asks for: the beta annotation wins over the field, as upstream's GetPersistentVolumeClaimClass.</summary>
    public static string ClassOf(Core.PersistentVolumeClaim claim) =>
        claim.Metadata.Annotations?.GetValueOrDefault(BetaStorageClass) ?? claim.Spec?.StorageClassName ?? "";

    /// <summary>The class a volume belongs to, as upstream's GetPersistentVolumeClass.</summary>
    public static string ClassOf(Core.PersistentVolume volume) =>
        volume.Metadata.Annotations?.GetValueOrDefault(BetaStorageClass) ?? volume.Spec?.StorageClassName ?? "";
}
