using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.Apps;

/// <summary>apps/v1 ReplicaSet.</summary>
[Description("Keeps a stable number of identical pods running; usually managed by a Deployment.")]
public sealed class ReplicaSet : KubeObject<ReplicaSetSpec, ReplicaSetStatus>
{
}

/// <summary>apps/v1 ReplicaSetSpec.</summary>
[Description("The desired state of a ReplicaSet.")]
public sealed class ReplicaSetSpec
{
    [Description("Desired number of pods. Defaults to 1.")]
    public int? Replicas { get; set; }

    [Description("Seconds a new pod must be ready, without crashing, to count as available. Defaults to 0.")]
    public int? MinReadySeconds { get; set; }

    [Description("Label query over the pods the ReplicaSet counts; must match the template's labels.")]
    public LabelSelector? Selector { get; set; }

    [Description("The pod to create when there are too few.")]
    public PodTemplateSpec Template { get; set => field = value ?? new(); } = new();

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>apps/v1 ReplicaSetStatus.</summary>
[Description("The most recently observed state of a ReplicaSet.")]
public sealed class ReplicaSetStatus
{
    [Description("Pods (not terminating) owned by the ReplicaSet.")]
    public int Replicas { get; set; }

    [Description("Pods whose labels match the template's labels.")]
    public int? FullyLabeledReplicas { get; set; }

    [Description("Pods that are Ready.")]
    public int? ReadyReplicas { get; set; }

    [Description("Pods that have been ready for at least minReadySeconds.")]
    public int? AvailableReplicas { get; set; }

    [Description("The generation the controller last acted on.")]
    public long? ObservedGeneration { get; set; }

    [Description("Observed conditions, such as ReplicaFailure.")]
    [PatchMergeKey("type")]
    [PatchStrategy("merge")]
    public List<ReplicaSetCondition>? Conditions { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>One ReplicaSet condition.</summary>
public sealed class ReplicaSetCondition
{
    public string Type { get; set => field = value ?? ""; } = "";

    public string Status { get; set => field = value ?? ""; } = "";

    public DateTimeOffset? LastTransitionTime { get; set; }

    public string? Reason { get; set; }

    public string? Message { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
