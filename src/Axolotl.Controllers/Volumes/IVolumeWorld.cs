using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Storage;

namespace Axolotl.Controllers.Volumes;

/// <summary>What the volume reconcilers read: the informer caches (a fake in unit tests).</summary>
public interface IVolumeCache
{
    PersistentVolumeClaim? Claim(string ns, string name);

    PersistentVolume? Volume(string name);

    IReadOnlyList<PersistentVolume> Volumes();

    StorageClass? Class(string name);

    Node? Node(string name);

    IReadOnlyList<Pod> Pods(string ns);
}

/// <summary>What the volume reconcilers write, through the API (a fake in unit tests). Conflicts surface as KubeApiException.</summary>
public interface IVolumeWriter
{
    Task<PersistentVolumeClaim> UpdateClaimAsync(PersistentVolumeClaim claim, CancellationToken ct);

    Task<PersistentVolumeClaim> UpdateClaimStatusAsync(PersistentVolumeClaim claim, CancellationToken ct);

    Task<PersistentVolume> CreateVolumeAsync(PersistentVolume volume, CancellationToken ct);

    Task<PersistentVolume> UpdateVolumeAsync(PersistentVolume volume, CancellationToken ct);

    Task<PersistentVolume> UpdateVolumeStatusAsync(PersistentVolume volume, CancellationToken ct);

    /// <summary>Deletes the volume if it is still the one with <paramref name="uid"/>.</summary>
    Task DeleteVolumeAsync(string name, string? uid, CancellationToken ct);

    /// <summary>An event from the persistentvolume-controller, or (provisioner: true) from the local-path provisioner.</summary>
    void Event(KubeObject about, string type, string reason, string message, bool provisioner = false);
}
