using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Batch;

/// <summary>batch/v1 PodFailurePolicy: rules evaluated in order on each failed pod.</summary>
public sealed class PodFailurePolicy
{
    public List<PodFailurePolicyRule> Rules { get; set => field = value ?? []; } = [];

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>batch/v1 PodFailurePolicyRule: an action when exit codes or pod conditions match.</summary>
public sealed class PodFailurePolicyRule
{
    /// <summary>FailJob, FailIndex, Ignore or Count.</summary>
    public string Action { get; set => field = value ?? ""; } = "";

    public PodFailurePolicyOnExitCodesRequirement? OnExitCodes { get; set; }

    public List<PodFailurePolicyOnPodConditionsPattern>? OnPodConditions { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>batch/v1 PodFailurePolicyOnExitCodesRequirement.</summary>
public sealed class PodFailurePolicyOnExitCodesRequirement
{
    public string? ContainerName { get; set; }

    /// <summary>In or NotIn.</summary>
    public string Operator { get; set => field = value ?? ""; } = "";

    public List<int> Values { get; set => field = value ?? []; } = [];

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>batch/v1 PodFailurePolicyOnPodConditionsPattern.</summary>
public sealed class PodFailurePolicyOnPodConditionsPattern
{
    public string Type { get; set => field = value ?? ""; } = "";

    public string? Status { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>batch/v1 SuccessPolicy (Indexed jobs).</summary>
public sealed class SuccessPolicy
{
    public List<SuccessPolicyRule> Rules { get; set => field = value ?? []; } = [];

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>batch/v1 SuccessPolicyRule.</summary>
public sealed class SuccessPolicyRule
{
    public string? SucceededIndexes { get; set; }

    public int? SucceededCount { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
