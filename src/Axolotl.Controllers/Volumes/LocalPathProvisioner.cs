using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Resources;
using Axolotl.Api.Storage;

namespace Axolotl.Controllers.Volumes;

/// <summary>
/// What k3s's local-path provisioner decides, without side effects: for a claim whose node is chosen,
/// a PersistentVolume named pvc-&lt;claim uid&gt; with a DirectoryOrCreate hostPath under that node's
/// storage root, node affinity to the node, the class's reclaim policy and a claimRef to the claim
/// (the PV controller then completes the binding). The directory itself is made by the node's agent
/// when a pod first mounts the volume (docs/adr/0008-local-path-volumes.md). A claim the node's disk
/// cannot hold (its allocatable ephemeral-storage less what local-path volumes there already take)
/// is refused, so it stays Pending with a ProvisioningFailed event.
/// </summary>
public static class LocalPathProvisioner
{
    public sealed record Outcome(PersistentVolume? Volume, string? Error);

    public static Outcome Provision(PersistentVolumeClaim claim, StorageClass storageClass, Node? node, string? nodeName, IEnumerable<PersistentVolume> volumes)
    {
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentNullException.ThrowIfNull(storageClass);
        foreach (var mode in claim.Spec?.AccessModes ?? [])
        {
            if (mode is not ("ReadWriteOnce" or "ReadWriteOncePod"))
            {
                return Fail("NodePath only supports ReadWriteOnce and ReadWriteOncePod (1.22+) access modes");
            }
        }
        if (claim.Spec?.Selector is not null)
        {
            return Fail("claim.Spec.Selector is not supported");
        }
        if (string.IsNullOrEmpty(nodeName))
        {
            return Fail("configuration error, no node was specified");
        }
        if (node is null)
        {
            return Fail($"nodes \"{nodeName}\" not found");
        }
        if (node.Metadata.Annotations?.GetValueOrDefault(LocalPath.RootAnnotation) is not { Length: > 0 } root || !root.StartsWith('/'))
        {
            return Fail($"no local path storage directory is known for node {nodeName}: its agent has not announced one ({LocalPath.RootAnnotation})");
        }
        var request = VolumeMatching.Requested(claim);
        if (node.Status?.Allocatable?.TryGetValue("ephemeral-storage", out var disk) == true)
        {
            var used = volumes
                .Where(v => v.Metadata.Annotations?.GetValueOrDefault(LocalPath.SelectedNodeAnnotation) == nodeName
                    && v.Metadata.Annotations?.GetValueOrDefault(VolumeAnnotations.ProvisionedBy) == LocalPath.Provisioner)
                .Aggregate(default(Quantity), (sum, v) => sum + VolumeMatching.Capacity(v));
            var free = disk - used;
            if (request > free)
            {
                return Fail($"not enough disk space on node {nodeName}: the claim requests {request}, {(free.Sign < 0 ? default : free)} of the node's {disk} is not yet provisioned");
            }
        }
        var name = LocalPath.VolumeName(claim.Metadata.Uid ?? "");
        var ns = claim.Metadata.Namespace ?? "default";
        var volume = new PersistentVolume
        {
            ApiVersion = "v1",
            Kind = "PersistentVolume",
            Metadata = new ObjectMeta
            {
                Name = name,
                Annotations = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    [VolumeAnnotations.ProvisionedBy] = LocalPath.Provisioner,
                    [LocalPath.SelectedNodeAnnotation] = nodeName,
                },
            },
            Spec = new PersistentVolumeSpec
            {
                AccessModes = [.. claim.Spec?.AccessModes ?? []],
                Capacity = new Dictionary<string, Quantity>(StringComparer.Ordinal) { ["storage"] = request },
                HostPath = new HostPathVolumeSource
                {
                    Path = root.TrimEnd('/') + "/" + LocalPath.DirectoryName(name, ns, claim.Metadata.Name ?? ""),
                    Type = "DirectoryOrCreate",
                },
                NodeAffinity = new VolumeNodeAffinity
                {
                    Required = new NodeSelector
                    {
                        NodeSelectorTerms =
                        [
                            new NodeSelectorTerm
                            {
                                MatchExpressions = [new NodeSelectorRequirement { Key = WellKnown.LabelHostname, Operator = "In", Values = [nodeName] }],
                            },
                        ],
                    },
                },
                PersistentVolumeReclaimPolicy = storageClass.ReclaimPolicy ?? "Delete",
                StorageClassName = storageClass.Metadata.Name,
                VolumeMode = claim.Spec?.VolumeMode ?? "Filesystem",
                MountOptions = storageClass.MountOptions,
                ClaimRef = new ObjectReference
                {
                    ApiVersion = "v1",
                    Kind = "PersistentVolumeClaim",
                    Namespace = ns,
                    Name = claim.Metadata.Name,
                    Uid = claim.Metadata.Uid,
                    ResourceVersion = claim.Metadata.ResourceVersion,
                },
            },
        };
        return new Outcome(volume, null);
    }

    private static Outcome Fail(string message) => new(null, message);
}
