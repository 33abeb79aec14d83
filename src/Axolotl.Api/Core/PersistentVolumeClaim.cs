using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Meta;
using Axolotl.Api.Resources;

namespace Axolotl.Api.Core;

/// <summary>core/v1 PersistentVolumeClaim: a namespaced request for storage, bound to one PersistentVolume.</summary>
[Description("A user's request for and claim to a persistent volume.")]
public sealed class PersistentVolumeClaim : KubeObject<PersistentVolumeClaimSpec, PersistentVolumeClaimStatus>
{
}

/// <summary>core/v1 PersistentVolumeClaimSpec.</summary>
public sealed class PersistentVolumeClaimSpec
{
    [Description("The access modes the volume should have: ReadWriteOnce, ReadOnlyMany, ReadWriteMany or ReadWriteOncePod.")]
    public List<string>? AccessModes { get; set; }

    [Description("A label query over volumes to consider for binding.")]
    public LabelSelector? Selector { get; set; }

    [Description("The minimum resources the volume should have; requests.storage is required.")]
    public VolumeResourceRequirements? Resources { get; set; }

    [Description("The binding reference to the PersistentVolume backing this claim.")]
    public string? VolumeName { get; set; }

    [Description("The name of the StorageClass required by the claim; the default class when unset.")]
    public string? StorageClassName { get; set; }

    [Description("Filesystem (the default) or Block.")]
    public string? VolumeMode { get; set; }

    [Description("An existing object to populate the volume from.")]
    public TypedLocalObjectReference? DataSource { get; set; }

    [Description("An object to populate the volume from, possibly in another namespace.")]
    public TypedObjectReference? DataSourceRef { get; set; }

    [Description("The VolumeAttributesClass used by the claim.")]
    public string? VolumeAttributesClassName { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>core/v1 VolumeResourceRequirements: storage requests and limits of a claim.</summary>
public sealed class VolumeResourceRequirements
{
    public Dictionary<string, Quantity>? Limits { get; set; }

    public Dictionary<string, Quantity>? Requests { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>core/v1 PersistentVolumeClaimStatus.</summary>
public sealed class PersistentVolumeClaimStatus
{
    [Description("Pending, Bound or Lost.")]
    public string? Phase { get; set; }

    [Description("The access modes the bound volume has.")]
    public List<string>? AccessModes { get; set; }

    [Description("The actual resources of the bound volume.")]
    public Dictionary<string, Quantity>? Capacity { get; set; }

    public List<PersistentVolumeClaimCondition>? Conditions { get; set; }

    public Dictionary<string, Quantity>? AllocatedResources { get; set; }

    public Dictionary<string, string>? AllocatedResourceStatuses { get; set; }

    public string? CurrentVolumeAttributesClassName { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>core/v1 PersistentVolumeClaimCondition (Resizing, FileSystemResizePending, …).</summary>
public sealed class PersistentVolumeClaimCondition
{
    public string Type { get; set => field = value ?? ""; } = "";

    public string Status { get; set => field = value ?? ""; } = "";

    public DateTimeOffset? LastProbeTime { get; set; }

    public DateTimeOffset? LastTransitionTime { get; set; }

    public string? Reason { get; set; }

    public string? Message { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>core/v1 TypedLocalObjectReference.</summary>
public sealed class TypedLocalObjectReference
{
    public string? ApiGroup { get; set; }

    public string Kind { get; set => field = value ?? ""; } = "";

    public string Name { get; set => field = value ?? ""; } = "";

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>core/v1 TypedObjectReference.</summary>
public sealed class TypedObjectReference
{
    public string? ApiGroup { get; set; }

    public string Kind { get; set => field = value ?? ""; } = "";

    public string Name { get; set => field = value ?? ""; } = "";

    public string? Namespace { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
