using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Meta;
using Axolotl.Api.Resources;

namespace Axolotl.Api.Core;

/// <summary>core/v1 PersistentVolume: a cluster-scoped piece of storage, bound to at most one claim.</summary>
[Description("A storage resource provisioned by an administrator or dynamically by a StorageClass.")]
public sealed class PersistentVolume : KubeObject<PersistentVolumeSpec, PersistentVolumeStatus>
{
}

/// <summary>core/v1 PersistentVolumeSpec, with the volume sources Axolotl can mount (hostPath, local) typed.</summary>
public sealed class PersistentVolumeSpec
{
    [Description("The volume's size, as capacity.storage.")]
    public Dictionary<string, Quantity>? Capacity { get; set; }

    [Description("A directory on the node.")]
    public HostPathVolumeSource? HostPath { get; set; }

    [Description("A directly-attached local storage path, with node affinity required.")]
    public LocalVolumeSource? Local { get; set; }

    [Description("The ways the volume can be mounted.")]
    public List<string>? AccessModes { get; set; }

    [Description("The claim this volume is bound to (or reserved for).")]
    public ObjectReference? ClaimRef { get; set; }

    [Description("What happens to the volume when its claim is deleted: Retain (default), Delete or Recycle.")]
    public string? PersistentVolumeReclaimPolicy { get; set; }

    [Description("The StorageClass this volume belongs to; empty means no class.")]
    public string? StorageClassName { get; set; }

    public List<string>? MountOptions { get; set; }

    [Description("Filesystem (the default) or Block.")]
    public string? VolumeMode { get; set; }

    [Description("The nodes this volume can be used from.")]
    public VolumeNodeAffinity? NodeAffinity { get; set; }

    public string? VolumeAttributesClassName { get; set; }

    /// <summary>Other volume sources (nfs, csi, …): kept as sent; the agent cannot mount them.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>core/v1 LocalVolumeSource.</summary>
public sealed class LocalVolumeSource
{
    public string Path { get; set => field = value ?? ""; } = "";

    public string? FsType { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>core/v1 VolumeNodeAffinity.</summary>
public sealed class VolumeNodeAffinity
{
    public NodeSelector? Required { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>core/v1 PersistentVolumeStatus.</summary>
public sealed class PersistentVolumeStatus
{
    [Description("Pending, Available, Bound, Released or Failed.")]
    public string? Phase { get; set; }

    public string? Message { get; set; }

    public string? Reason { get; set; }

    public DateTimeOffset? LastPhaseTransitionTime { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
