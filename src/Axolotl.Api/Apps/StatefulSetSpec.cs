using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Core;

namespace Axolotl.Api.Apps;

/// <summary>apps/v1 StatefulSetSpec.</summary>
[Description("The desired identities of a StatefulSet's pods.")]
public sealed class StatefulSetSpec
{
    [Description("The desired number of pods. Defaults to 1.")]
    public int? Replicas { get; set; }

    [Description("Label query over the pods the StatefulSet manages; must match the template's labels.")]
    public LabelSelector? Selector { get; set; }

    [Description("The pod each ordinal runs; its volumes are joined by one claim per volumeClaimTemplate.")]
    public PodTemplateSpec Template { get; set => field = value ?? new(); } = new();

    [Description("Claims each pod gets, named <template>-<statefulset>-<ordinal>, mounted by the volume of the template's name.")]
    public List<PersistentVolumeClaim>? VolumeClaimTemplates { get; set; }

    [Description("The headless Service that gives each pod its DNS name <pod>.<serviceName>.<namespace>.svc.")]
    public string? ServiceName { get; set; }

    [Description("OrderedReady (one pod at a time, in order, each Running and Ready before the next) or Parallel. Defaults to OrderedReady.")]
    public string? PodManagementPolicy { get; set; }

    [Description("How pods are replaced when the template changes.")]
    public StatefulSetUpdateStrategy? UpdateStrategy { get; set; }

    [Description("How many old revisions to keep for rollback. Defaults to 10.")]
    public int? RevisionHistoryLimit { get; set; }

    [Description("Seconds a new pod must be ready to count as available.")]
    public int? MinReadySeconds { get; set; }

    [Description("What happens to the claims made from volumeClaimTemplates when the StatefulSet is deleted or scaled down.")]
    public StatefulSetPersistentVolumeClaimRetentionPolicy? PersistentVolumeClaimRetentionPolicy { get; set; }

    [Description("The ordinal numbering of the pods.")]
    public StatefulSetOrdinals? Ordinals { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>apps/v1 StatefulSetUpdateStrategy.</summary>
public sealed class StatefulSetUpdateStrategy
{
    [Description("RollingUpdate or OnDelete. Defaults to RollingUpdate.")]
    public string? Type { get; set; }

    public RollingUpdateStatefulSetStrategy? RollingUpdate { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>apps/v1 RollingUpdateStatefulSetStrategy.</summary>
public sealed class RollingUpdateStatefulSetStrategy
{
    [Description("Ordinals at or above this are updated; those below keep their revision. Defaults to 0.")]
    public int? Partition { get; set; }

    [Description("How many pods may be unavailable during the update (beta, behind the MaxUnavailableStatefulSet feature gate, off by default in 1.32: the field is dropped).")]
    public IntOrString? MaxUnavailable { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>apps/v1 StatefulSetPersistentVolumeClaimRetentionPolicy.</summary>
public sealed class StatefulSetPersistentVolumeClaimRetentionPolicy
{
    [Description("Retain or Delete the claims when the StatefulSet is deleted. Defaults to Retain.")]
    public string? WhenDeleted { get; set; }

    [Description("Retain or Delete the claims of pods removed by a scale-down. Defaults to Retain.")]
    public string? WhenScaled { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>apps/v1 StatefulSetOrdinals.</summary>
public sealed class StatefulSetOrdinals
{
    [Description("The number of the first pod. Defaults to 0.")]
    public int Start { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
