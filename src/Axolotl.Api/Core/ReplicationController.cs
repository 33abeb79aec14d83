using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Meta;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.Core;

/// <summary>core/v1 ReplicationController, the predecessor of ReplicaSet with an equality-only selector.</summary>
[Description("Keeps a number of identical pods running (legacy; prefer a Deployment).")]
public sealed class ReplicationController : KubeObject<ReplicationControllerSpec, ReplicationControllerStatus>
{
}

/// <summary>core/v1 ReplicationControllerSpec.</summary>
public sealed class ReplicationControllerSpec
{
    [Description("Desired number of pods. Defaults to 1.")]
    public int? Replicas { get; set; }

    [Description("Seconds a new pod must be ready before it counts as available.")]
    public int? MinReadySeconds { get; set; }

    [Description("Labels the managed pods must have. Defaults to the template's labels.")]
    public Dictionary<string, string>? Selector { get; set; }

    [Description("The pod to create when there are too few.")]
    public PodTemplateSpec? Template { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>core/v1 ReplicationControllerStatus.</summary>
public sealed class ReplicationControllerStatus
{
    public int Replicas { get; set; }

    public int? FullyLabeledReplicas { get; set; }

    public int? ReadyReplicas { get; set; }

    public int? AvailableReplicas { get; set; }

    public long? ObservedGeneration { get; set; }

    [PatchMergeKey("type")]
    [PatchStrategy("merge")]
    public List<ReplicationControllerCondition>? Conditions { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>One ReplicationController condition, such as ReplicaFailure.</summary>
public sealed class ReplicationControllerCondition
{
    public string Type { get; set => field = value ?? ""; } = "";

    public string Status { get; set => field = value ?? ""; } = "";

    public DateTimeOffset? LastTransitionTime { get; set; }

    public string? Reason { get; set; }

    public string? Message { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
