using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.Apps;

/// <summary>apps/v1 StatefulSetStatus.</summary>
[Description("The most recently observed state of a StatefulSet.")]
public sealed class StatefulSetStatus
{
    [Description("The generation the controller last acted on.")]
    public long? ObservedGeneration { get; set; }

    [Description("Pods the StatefulSet controller created.")]
    public int Replicas { get; set; }

    [Description("Pods with a Ready condition.")]
    public int? ReadyReplicas { get; set; }

    [Description("Pods made from the currentRevision.")]
    public int? CurrentReplicas { get; set; }

    [Description("Pods made from the updateRevision.")]
    public int? UpdatedReplicas { get; set; }

    [Description("The revision the pods ordinal [0, currentReplicas) were made from.")]
    public string? CurrentRevision { get; set; }

    [Description("The revision the pods ordinal [replicas - updatedReplicas, replicas) are made from.")]
    public string? UpdateRevision { get; set; }

    [Description("Bumped to make a new ControllerRevision name when its hash collides.")]
    public int? CollisionCount { get; set; }

    [PatchMergeKey("type")]
    [PatchStrategy("merge")]
    public List<StatefulSetCondition>? Conditions { get; set; }

    [Description("Pods ready for at least minReadySeconds.")]
    public int AvailableReplicas { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>One StatefulSet condition.</summary>
public sealed class StatefulSetCondition
{
    public string Type { get; set => field = value ?? ""; } = "";

    public string Status { get; set => field = value ?? ""; } = "";

    public DateTimeOffset? LastTransitionTime { get; set; }

    public string? Reason { get; set; }

    public string? Message { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
