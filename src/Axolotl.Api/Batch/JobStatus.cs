using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.Batch;

/// <summary>batch/v1 JobStatus.</summary>
public sealed class JobStatus
{
    [PatchMergeKey("type")]
    [PatchStrategy("merge")]
    public List<JobCondition>? Conditions { get; set; }

    public DateTimeOffset? StartTime { get; set; }

    public DateTimeOffset? CompletionTime { get; set; }

    public int? Active { get; set; }

    public int? Succeeded { get; set; }

    public int? Failed { get; set; }

    public int? Terminating { get; set; }

    public string? CompletedIndexes { get; set; }

    public string? FailedIndexes { get; set; }

    public UncountedTerminatedPods? UncountedTerminatedPods { get; set; }

    public int? Ready { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>batch/v1 JobCondition: Complete, Failed, Suspended, FailureTarget, SuccessCriteriaMet.</summary>
public sealed class JobCondition
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

/// <summary>batch/v1 UncountedTerminatedPods: finished pods (by uid) whose finalizer is not removed yet.</summary>
public sealed class UncountedTerminatedPods
{
    public List<string>? Succeeded { get; set; }

    public List<string>? Failed { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
