using Axolotl.Api.Core;
using Axolotl.Api.Storage;
using Axolotl.Client;
using Axolotl.Client.Informers;
using Microsoft.Extensions.Logging;

namespace Axolotl.Agent.Volumes;

/// <summary>
/// The agent's half of local-path's reclaim (the helper pod's "rm -rf" in k3s): the PV controller
/// deletes a released local-path volume whose policy is Delete, and this node, watching volumes,
/// removes its directory. A volume is remembered in a small marker under the storage root with its
/// last reclaim policy, so a volume deleted while the agent was down is cleaned up when it returns;
/// a Retain volume's directory is never removed (an administrator's to recover).
/// </summary>
public sealed class LocalPathCleaner(KubeClient client, string nodeName, string root, TimeProvider time, ILogger log)
{
    private const string MarkerDirectory = ".reclaim";

    public async Task RunAsync(CancellationToken ct)
    {
        var volumes = new SharedInformer<PersistentVolume>(client.Resource<PersistentVolume>(), time, log);
        using var handler = volumes.AddEventHandler(new ResourceEventHandler<PersistentVolume>(
            onAdd: Remember, onUpdate: (_, v) => Remember(v), onDelete: Deleted));
        var running = volumes.RunAsync(ct);
        try
        {
            await volumes.WaitForSyncAsync(ct);
            Sweep(volumes.Lister.List().Select(v => v.Metadata.Name ?? "").ToHashSet(StringComparer.Ordinal));
            await running;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>Whether the volume is a local-path volume made on this node, under this agent's root.</summary>
    public bool IsOurs(PersistentVolume volume) =>
        volume.Metadata.Annotations?.GetValueOrDefault(VolumeAnnotations.ProvisionedBy) == LocalPath.Provisioner
        && volume.Metadata.Annotations.GetValueOrDefault(LocalPath.SelectedNodeAnnotation) == nodeName
        && volume.Spec?.HostPath?.Path is { } path
        && Path.GetDirectoryName(path) == root.TrimEnd('/')
        && Path.GetFileName(path).StartsWith(volume.Metadata.Name + "_", StringComparison.Ordinal);

    private void Remember(PersistentVolume volume)
    {
        if (!IsOurs(volume))
        {
            return;
        }
        var markers = Path.Combine(root, MarkerDirectory);
        Directory.CreateDirectory(markers);
        File.WriteAllText(Path.Combine(markers, volume.Metadata.Name!), (volume.Spec!.PersistentVolumeReclaimPolicy ?? "Retain") + "\n" + volume.Spec.HostPath!.Path);
    }

    private void Deleted(PersistentVolume volume)
    {
        if (IsOurs(volume))
        {
            Reclaim(volume.Metadata.Name!, volume.Spec!.PersistentVolumeReclaimPolicy ?? "Retain", volume.Spec.HostPath!.Path);
        }
    }

    /// <summary>Volumes remembered here that no longer exist: reclaimed by their last known policy.</summary>
    private void Sweep(IReadOnlySet<string> existing)
    {
        var markers = Path.Combine(root, MarkerDirectory);
        if (!Directory.Exists(markers))
        {
            return;
        }
        foreach (var marker in Directory.EnumerateFiles(markers))
        {
            var name = Path.GetFileName(marker);
            if (existing.Contains(name))
            {
                continue;
            }
            var lines = File.ReadAllLines(marker);
            if (lines.Length == 2)
            {
                Reclaim(name, lines[0], lines[1]);
            }
        }
    }

    private void Reclaim(string volumeName, string policy, string path)
    {
        try
        {
            if (policy == "Delete" && Path.GetDirectoryName(path) == root.TrimEnd('/') && Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
                LocalPathLog.Removed(log, path, volumeName);
            }
            File.Delete(Path.Combine(root, MarkerDirectory, volumeName));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LocalPathLog.RemoveFailed(log, path, volumeName, e.Message);
        }
    }
}
