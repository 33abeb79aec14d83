using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.FlowControl;

/// <summary>flowcontrol.apiserver.k8s.io/v1 FlowSchemaStatus.</summary>
public sealed class FlowSchemaStatus
{
    [PatchMergeKey("type")]
    [PatchStrategy("merge")]
    public List<FlowControlCondition>? Conditions { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>flowcontrol.apiserver.k8s.io/v1 PriorityLevelConfigurationStatus.</summary>
public sealed class PriorityLevelConfigurationStatus
{
    [PatchMergeKey("type")]
    [PatchStrategy("merge")]
    public List<FlowControlCondition>? Conditions { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>flowcontrol.apiserver.k8s.io/v1 FlowSchemaCondition and PriorityLevelConfigurationCondition (the same fields).</summary>
public sealed class FlowControlCondition
{
    /// <summary>The condition a FlowSchema has when its priority level does not exist.</summary>
    public const string Dangling = "Dangling";

    public string? Type { get; set; }

    public string? Status { get; set; }

    public DateTimeOffset? LastTransitionTime { get; set; }

    public string? Reason { get; set; }

    public string? Message { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
