using Axolotl.Agent.Pods;
using Axolotl.Api.Core;
using Axolotl.Api.Storage;

namespace Axolotl.Agent.Volumes;

/// <summary>
/// A persistentVolumeClaim volume, as the kubelet resolves it: the claim must exist, not be deleting
/// and be bound; its volume's directory (hostPath, checked by type and made for DirectoryOrCreate, as
/// local-path volumes are, or an existing local path) is what the containers get, read-only when the
/// pod mounts the claim readOnly. Failures keep the pod in ContainerCreating with FailedMount, with
/// the kubelet's "error processing PVC" wording.
/// </summary>
internal static class ClaimVolumes
{
    /// <summary>local-path-provisioner makes volume directories 0777: whatever user the pod runs as can write.</summary>
    private const UnixFileMode Everyone = (UnixFileMode)0x1FF;

    public static async Task<MountedVolume> SetUpAsync(IConfigSource source, Pod pod, PersistentVolumeClaimVolumeSource volumeSource, CancellationToken ct)
    {
        var ns = pod.Metadata.Namespace ?? "default";
        var name = volumeSource.ClaimName;
        var processing = $"error processing PVC {ns}/{name}";
        var claim = await source.GetPersistentVolumeClaimAsync(ns, name, ct)
            ?? throw new VolumeSetupException($"{processing}: failed to fetch PVC from API server: persistentvolumeclaims \"{name}\" not found");
        if (claim.Metadata.DeletionTimestamp is not null)
        {
            throw new VolumeSetupException($"{processing}: can't start pod because PVC is being deleted");
        }
        var volumeName = claim.Spec?.VolumeName;
        if (string.IsNullOrEmpty(volumeName) || claim.Status?.Phase != "Bound")
        {
            throw new VolumeSetupException($"{processing}: PVC is not bound");
        }
        var volume = await source.GetPersistentVolumeAsync(volumeName, ct)
            ?? throw new VolumeSetupException($"{processing}: failed to fetch PV {volumeName} from API server: persistentvolumes \"{volumeName}\" not found");
        if (volume.Spec?.ClaimRef is { } claimRef && !string.IsNullOrEmpty(claimRef.Uid) && claimRef.Uid != claim.Metadata.Uid)
        {
            throw new VolumeSetupException($"{processing}: PV {volumeName} is bound to another claim");
        }
        var readOnly = volumeSource.ReadOnly == true;
        if (volume.Spec?.HostPath is { } hostPath)
        {
            var existed = Directory.Exists(hostPath.Path);
            var path = HostPathCheck.Prepare(hostPath);
            if (!existed && volume.Metadata.Annotations?.GetValueOrDefault(VolumeAnnotations.ProvisionedBy) == LocalPath.Provisioner)
            {
                File.SetUnixFileMode(path, Everyone);
            }
            return new MountedVolume(path, Projected: false, readOnly);
        }
        if (volume.Spec?.Local is { } local)
        {
            if (!Directory.Exists(local.Path) && !File.Exists(local.Path))
            {
                throw new VolumeSetupException($"path \"{local.Path}\" does not exist");
            }
            return new MountedVolume(local.Path, Projected: false, readOnly);
        }
        var kind = volume.Spec?.ExtensionData?.Keys.FirstOrDefault() ?? "(none)";
        throw new VolumeSetupException($"volume type {kind} of persistentvolume {volumeName} is not supported by Axolotl");
    }
}
