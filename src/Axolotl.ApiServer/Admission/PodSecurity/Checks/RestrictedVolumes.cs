using Axolotl.Api.Core;
using Axolotl.Api.Meta;

namespace Axolotl.ApiServer.Admission.PodSecurity.Checks;

/// <summary>
/// Restricted, v1.0+: inline volumes only of the kinds that carry no node or network access of their
/// own (configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret);
/// replaces <see cref="HostPathVolumes"/>. A source 1.32's check does not name (the alpha image
/// volume) is reported as "unknown", as upstream reports it.
/// </summary>
public static class RestrictedVolumes
{
    public static PodSecurityCheck Check { get; } = new("restrictedVolumes", PodSecurityLevel.Restricted,
        [new(PolicyVersion.V1(0), Evaluate, [HostPathVolumes.Id])]);

    private static CheckResult Evaluate(ObjectMeta meta, PodSpec spec)
    {
        var bad = new List<string>();
        var types = new List<string>();
        foreach (var volume in spec.Volumes ?? [])
        {
            if (IsAllowed(volume))
            {
                continue;
            }
            bad.Add(volume.Name);
            types.Add(TypeOf(volume));
        }
        if (bad.Count == 0)
        {
            return CheckResult.Allow;
        }
        var listed = CheckText.Sorted(types);
        return CheckResult.Forbid("restricted volume types",
            $"{CheckText.Pluralize("volume", "volumes", bad.Count)} {CheckText.JoinQuote(bad)} {CheckText.Pluralize("uses", "use", bad.Count)} " +
            $"{CheckText.Pluralize("restricted volume type", "restricted volume types", listed.Count)} {CheckText.JoinQuote(listed)}");
    }

    private static bool IsAllowed(Volume v) =>
        v.ConfigMap is not null || v.Csi is not null || v.DownwardAPI is not null || v.EmptyDir is not null ||
        v.Ephemeral is not null || v.PersistentVolumeClaim is not null || v.Projected is not null || v.Secret is not null;

    private static string TypeOf(Volume v) =>
        v.HostPath is not null ? "hostPath"
        : v.GcePersistentDisk is not null ? "gcePersistentDisk"
        : v.AwsElasticBlockStore is not null ? "awsElasticBlockStore"
        : v.GitRepo is not null ? "gitRepo"
        : v.Nfs is not null ? "nfs"
        : v.Iscsi is not null ? "iscsi"
        : v.Glusterfs is not null ? "glusterfs"
        : v.Rbd is not null ? "rbd"
        : v.FlexVolume is not null ? "flexVolume"
        : v.Cinder is not null ? "cinder"
        : v.Cephfs is not null ? "cephfs"
        : v.Flocker is not null ? "flocker"
        : v.Fc is not null ? "fc"
        : v.AzureFile is not null ? "azureFile"
        : v.VsphereVolume is not null ? "vsphereVolume"
        : v.Quobyte is not null ? "quobyte"
        : v.AzureDisk is not null ? "azureDisk"
        : v.PhotonPersistentDisk is not null ? "photonPersistentDisk"
        : v.PortworxVolume is not null ? "portworxVolume"
        : v.ScaleIO is not null ? "scaleIO"
        : v.Storageos is not null ? "storageos"
        : "unknown";
}
