using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Storage;
using Axolotl.Client;
using Axolotl.Controllers.Volumes;

namespace Axolotl.Controllers.Tests.Volumes;

/// <summary>The volume reconcilers' world in memory: writes land in the same dictionaries the cache reads, events are recorded.</summary>
internal sealed class FakeVolumeWorld : IVolumeCache, IVolumeWriter
{
    private int _version = 100;

    public Dictionary<(string Ns, string Name), PersistentVolumeClaim> Claims { get; } = [];

    public Dictionary<string, PersistentVolume> VolumesByName { get; } = [];

    public Dictionary<string, StorageClass> Classes { get; } = [];

    public Dictionary<string, Node> Nodes { get; } = [];

    public List<Pod> AllPods { get; } = [];

    public List<(string Object, string Type, string Reason, string Message, bool Provisioner)> Events { get; } = [];

    public List<string> DeletedVolumes { get; } = [];

    public PersistentVolumeClaim Add(PersistentVolumeClaim claim)
    {
        claim.Metadata.Uid ??= "uid-" + claim.Metadata.Name;
        claim.Metadata.ResourceVersion = Next();
        Claims[(claim.Metadata.Namespace!, claim.Metadata.Name!)] = claim;
        return claim;
    }

    public PersistentVolume Add(PersistentVolume volume)
    {
        volume.Metadata.Uid ??= "uid-" + volume.Metadata.Name;
        volume.Metadata.ResourceVersion = Next();
        VolumesByName[volume.Metadata.Name!] = volume;
        return volume;
    }

    public PersistentVolumeClaim Claim(string ns, string name) => Claims[(ns, name)];

    PersistentVolumeClaim? IVolumeCache.Claim(string ns, string name) => Claims.GetValueOrDefault((ns, name));

    public PersistentVolume? Volume(string name) => VolumesByName.GetValueOrDefault(name);

    public IReadOnlyList<PersistentVolume> Volumes() => [.. VolumesByName.Values];

    public StorageClass? Class(string name) => Classes.GetValueOrDefault(name);

    public Node? Node(string name) => Nodes.GetValueOrDefault(name);

    public IReadOnlyList<Pod> Pods(string ns) => [.. AllPods.Where(p => p.Metadata.Namespace == ns)];

    public Task<PersistentVolumeClaim> UpdateClaimAsync(PersistentVolumeClaim claim, CancellationToken ct) => Task.FromResult(Write(claim, status: false));

    public Task<PersistentVolumeClaim> UpdateClaimStatusAsync(PersistentVolumeClaim claim, CancellationToken ct) => Task.FromResult(Write(claim, status: true));

    public Task<PersistentVolume> CreateVolumeAsync(PersistentVolume volume, CancellationToken ct)
    {
        if (VolumesByName.ContainsKey(volume.Metadata.Name!))
        {
            throw new KubeApiException(new Status { Code = 409, Reason = "AlreadyExists", Message = "exists" });
        }
        var created = volume.DeepCopy();
        created.Status = new PersistentVolumeStatus { Phase = "Pending" };
        return Task.FromResult(Add(created));
    }

    public Task<PersistentVolume> UpdateVolumeAsync(PersistentVolume volume, CancellationToken ct) => Task.FromResult(Write(volume, status: false));

    public Task<PersistentVolume> UpdateVolumeStatusAsync(PersistentVolume volume, CancellationToken ct) => Task.FromResult(Write(volume, status: true));

    public Task DeleteVolumeAsync(string name, string? uid, CancellationToken ct)
    {
        DeletedVolumes.Add(name);
        VolumesByName.Remove(name);
        return Task.CompletedTask;
    }

    public void Event(KubeObject about, string type, string reason, string message, bool provisioner = false) =>
        Events.Add((about.Metadata.Name ?? "", type, reason, message, provisioner));

    private PersistentVolumeClaim Write(PersistentVolumeClaim claim, bool status)
    {
        var current = Claims[(claim.Metadata.Namespace!, claim.Metadata.Name!)];
        CheckVersion(current.Metadata, claim.Metadata);
        var stored = status ? current.DeepCopy() : claim.DeepCopy();
        stored.Status = status ? claim.DeepCopy().Status : current.DeepCopy().Status;
        stored.Metadata.ResourceVersion = Next();
        Claims[(claim.Metadata.Namespace!, claim.Metadata.Name!)] = stored;
        return stored;
    }

    private PersistentVolume Write(PersistentVolume volume, bool status)
    {
        var current = VolumesByName[volume.Metadata.Name!];
        CheckVersion(current.Metadata, volume.Metadata);
        var stored = status ? current.DeepCopy() : volume.DeepCopy();
        stored.Status = status ? volume.DeepCopy().Status : current.DeepCopy().Status;
        stored.Metadata.ResourceVersion = Next();
        VolumesByName[volume.Metadata.Name!] = stored;
        return stored;
    }

    /// <summary>Optimistic concurrency as the API server has it: a write based on an old version conflicts.</summary>
    private static void CheckVersion(ObjectMeta current, ObjectMeta written)
    {
        if (current.ResourceVersion != written.ResourceVersion)
        {
            throw new KubeApiException(new Status { Code = 409, Reason = "Conflict", Message = "the object has been modified" });
        }
    }

    private string Next() => (++_version).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
