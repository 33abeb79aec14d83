using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.Apps;

/// <summary>apps/v1 DeploymentStatus.</summary>
[Description("The most recently observed state of a Deployment.")]
public sealed class DeploymentStatus
{
    [Description("The generation the controller last acted on.")]
    public long? ObservedGeneration { get; set; }

    [Description("Pods (not terminating) owned by the Deployment.")]
    public int? Replicas { get; set; }

    [Description("Pods that run the current template.")]
    public int? UpdatedReplicas { get; set; }

    [Description("Pods that are Ready.")]
    public int? ReadyReplicas { get; set; }

    [Description("Pods that have been ready for at least minReadySeconds.")]
    public int? AvailableReplicas { get; set; }

    [Description("Desired pods that are not yet available.")]
    public int? UnavailableReplicas { get; set; }

    [Description("Observed conditions: Available, Progressing and ReplicaFailure.")]
    [PatchMergeKey("type")]
    [PatchStrategy("merge")]
    public List<DeploymentCondition>? Conditions { get; set; }

    [Description("Bumped to make a new ReplicaSet name when its hash collides.")]
    public int? CollisionCount { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>One Deployment condition.</summary>
public sealed class DeploymentCondition
{
    public string Type { get; set => field = value ?? ""; } = "";

    public string Status { get; set => field = value ?? ""; } = "";

    public DateTimeOffset? LastUpdateTime { get; set; }

    public DateTimeOffset? LastTransitionTime { get; set; }

    public string? Reason { get; set; }

    public string? Message { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
