using Axolotl.Agent.Logs;
using Axolotl.Api.Core;

namespace Axolotl.Agent.Volumes;

/// <summary>
/// The kubelet's volume manager in small: makes each volume of a pod ready under the pod's
/// directory (".volumes/&lt;plugin&gt;/&lt;name&gt;", the kubelet's plugin names) before its containers
/// start, and removes them with the pod. emptyDir is a directory (a tmpfs for medium Memory),
/// configMap/secret/downwardAPI/projected are written by the <see cref="AtomicWriter"/> (secrets
/// and projections on a tmpfs, never on disk), hostPath is checked by type. Setting up again
/// rewrites changed content only, which is how ConfigMap and Secret edits reach running pods.
/// </summary>
public sealed class PodVolumeManager(LogPaths paths, VolumeContentResolver content, TimeProvider time)
{
    /// <summary>Container names are DNS labels: no log directory can be called this.</summary>
    public const string DirectoryName = ".volumes";

    /// <summary>
    /// A fake node (kwok-like) runs no process that could read a token: its pods' kube-api-access
    /// volumes are left empty instead of costing a TokenRequest and a refresh per pod.
    /// </summary>
    public bool LeaveServiceAccountVolumesEmpty { get; init; }

    public string VolumesDirectory(string podUid) => Path.Combine(paths.PodDirectory(podUid), DirectoryName);

    /// <summary>Whether the pod has any volume to set up.</summary>
    public static bool HasVolumes(Pod pod) => pod.Spec?.Volumes is { Count: > 0 };

    /// <summary>
    /// Sets up every volume of the pod, by name; throws <see cref="VolumeMountException"/> for the
    /// first that fails. Volumes in <paramref name="done"/> that are not projected content stay as
    /// they are: only projected content is rewritten on a refresh (the kubelet remounts only those).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, MountedVolume>> SetUpAsync(Pod pod, IReadOnlyDictionary<string, MountedVolume> done, CancellationToken ct)
    {
        var uid = pod.Metadata.Uid ?? throw new ArgumentException("the pod has no uid", nameof(pod));
        var ready = new Dictionary<string, MountedVolume>(StringComparer.Ordinal);
        foreach (var volume in pod.Spec?.Volumes ?? [])
        {
            if (done.TryGetValue(volume.Name, out var kept) && !kept.Projected)
            {
                ready[volume.Name] = kept;
                continue;
            }
            try
            {
                ready[volume.Name] = await SetUpAsync(pod, uid, volume, ct);
            }
            catch (VolumeSetupException e)
            {
                throw new VolumeMountException(volume.Name, e.Message);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new VolumeMountException(volume.Name, e.Message);
            }
        }
        return ready;
    }

    /// <summary>Unmounts the pod's tmpfs volumes and deletes its volume directories (never a hostPath: those are not under it).</summary>
    public void TearDown(string podUid)
    {
        content.ForgetPod(podUid);
        var dir = VolumesDirectory(podUid);
        if (!Directory.Exists(dir))
        {
            return;
        }
        TmpfsMounts.UnmountAllUnder(dir);
        Directory.Delete(dir, recursive: true);
    }

    private async Task<MountedVolume> SetUpAsync(Pod pod, string uid, Volume volume, CancellationToken ct)
    {
        if (volume.EmptyDir is { } emptyDir)
        {
            var dir = VolumeDirectory(uid, "kubernetes.io~empty-dir", volume.Name);
            switch (emptyDir.Medium ?? "")
            {
                case "":
                    Directory.CreateDirectory(dir);
                    break;
                case "Memory":
                    TmpfsMounts.Ensure(dir, emptyDir.SizeLimit?.Value(), "0777");
                    break;
                default:
                    throw new VolumeSetupException($"emptyDir medium {emptyDir.Medium} is not supported by Axolotl");
            }
            // As the kubelet: anyone in the pod may write, whatever user its containers run as.
            File.SetUnixFileMode(dir, (UnixFileMode)0x1FF);
            return new MountedVolume(dir, Projected: false);
        }
        if (volume.HostPath is { } hostPath)
        {
            return new MountedVolume(HostPathCheck.Prepare(hostPath), Projected: false);
        }
        if (LeaveServiceAccountVolumesEmpty && volume.Projected is not null && volume.Name.StartsWith("kube-api-access-", StringComparison.Ordinal))
        {
            var empty = VolumeDirectory(uid, "kubernetes.io~projected", volume.Name);
            Directory.CreateDirectory(empty);
            return new MountedVolume(empty, Projected: false);
        }
        if (VolumeContentResolver.Handles(volume))
        {
            var files = await content.ResolveAsync(pod, volume, ct);
            var (plugin, inMemory) = volume switch
            {
                { ConfigMap: not null } => ("kubernetes.io~configmap", false),
                { Secret: not null } => ("kubernetes.io~secret", true),
                { DownwardAPI: not null } => ("kubernetes.io~downward-api", false),
                _ => ("kubernetes.io~projected", true),
            };
            var dir = VolumeDirectory(uid, plugin, volume.Name);
            if (inMemory)
            {
                TmpfsMounts.Ensure(dir, null, "0755");
            }
            AtomicWriter.Write(dir, files, time);
            return new MountedVolume(dir, Projected: true);
        }
        if (volume.PersistentVolumeClaim is { } claim)
        {
            return await ClaimVolumes.SetUpAsync(content.Source, pod, claim, ct);
        }
        throw new VolumeSetupException($"volume type {SourceName(volume)} is not supported by Axolotl");
    }

    private string VolumeDirectory(string uid, string plugin, string name) => Path.Combine(VolumesDirectory(uid), plugin, name);

    /// <summary>The JSON name of the volume's source, for the message about an unsupported one.</summary>
    private static string SourceName(Volume volume)
    {
        (string Name, object? Value)[] sources =
        [
            ("nfs", volume.Nfs), ("csi", volume.Csi), ("ephemeral", volume.Ephemeral), ("image", volume.Image),
            ("iscsi", volume.Iscsi), ("gitRepo", volume.GitRepo), ("cephfs", volume.Cephfs), ("glusterfs", volume.Glusterfs),
            ("rbd", volume.Rbd), ("fc", volume.Fc), ("flexVolume", volume.FlexVolume), ("cinder", volume.Cinder),
            ("azureFile", volume.AzureFile), ("azureDisk", volume.AzureDisk), ("gcePersistentDisk", volume.GcePersistentDisk),
            ("awsElasticBlockStore", volume.AwsElasticBlockStore),
        ];
        return sources.FirstOrDefault(s => s.Value is not null).Name ?? volume.ExtensionData?.Keys.FirstOrDefault() ?? "(none)";
    }
}
