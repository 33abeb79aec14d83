using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.Apps;

/// <summary>apps/v1 DaemonSet.</summary>
[Description("Runs one copy of a pod on every eligible node.")]
public sealed class DaemonSet : KubeObject<DaemonSetSpec, DaemonSetStatus>
{
}

/// <summary>apps/v1 DaemonSetSpec.</summary>
public sealed class DaemonSetSpec
{
    [Description("Label query over the pods the DaemonSet manages; must match the template's labels.")]
    public LabelSelector? Selector { get; set; }

    [Description("The pod to run on each node.")]
    public PodTemplateSpec Template { get; set => field = value ?? new(); } = new();

    [Description("How pods are replaced when the template changes.")]
    public DaemonSetUpdateStrategy? UpdateStrategy { get; set; }

    [Description("Seconds a new pod must be ready to count as available.")]
    public int? MinReadySeconds { get; set; }

    [Description("How many old revisions to keep for rollback. Defaults to 10.")]
    public int? RevisionHistoryLimit { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>apps/v1 DaemonSetUpdateStrategy.</summary>
public sealed class DaemonSetUpdateStrategy
{
    [Description("RollingUpdate or OnDelete. Defaults to RollingUpdate.")]
    public string? Type { get; set; }

    public RollingUpdateDaemonSet? RollingUpdate { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>apps/v1 RollingUpdateDaemonSet.</summary>
public sealed class RollingUpdateDaemonSet
{
    [Description("How many nodes may be without an available pod during the update. Defaults to 1.")]
    public IntOrString? MaxUnavailable { get; set; }

    [Description("How many nodes may run an extra new pod beside the old one during the update. Defaults to 0.")]
    public IntOrString? MaxSurge { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>apps/v1 DaemonSetStatus.</summary>
public sealed class DaemonSetStatus
{
    public int CurrentNumberScheduled { get; set; }

    public int NumberMisscheduled { get; set; }

    public int DesiredNumberScheduled { get; set; }

    public int NumberReady { get; set; }

    public long? ObservedGeneration { get; set; }

    public int? UpdatedNumberScheduled { get; set; }

    public int? NumberAvailable { get; set; }

    public int? NumberUnavailable { get; set; }

    public int? CollisionCount { get; set; }

    [PatchMergeKey("type")]
    [PatchStrategy("merge")]
    public List<DaemonSetCondition>? Conditions { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>One DaemonSet condition.</summary>
public sealed class DaemonSetCondition
{
    public string Type { get; set => field = value ?? ""; } = "";

    public string Status { get; set => field = value ?? ""; } = "";

    public DateTimeOffset? LastTransitionTime { get; set; }

    public string? Reason { get; set; }

    public string? Message { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
