using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Core;

namespace Axolotl.Api.Batch;

/// <summary>batch/v1 JobSpec.</summary>
public sealed class JobSpec
{
    [Description("The most pods the job runs at once. Defaults to 1.")]
    public int? Parallelism { get; set; }

    [Description("How many pods must succeed. Unset: any success once all pods ended (work queue). Defaults to 1 when parallelism is unset too.")]
    public int? Completions { get; set; }

    [Description("Seconds from the job's start after which it is failed (DeadlineExceeded).")]
    public long? ActiveDeadlineSeconds { get; set; }

    [Description("How pod failures are handled by exit code or pod condition.")]
    public PodFailurePolicy? PodFailurePolicy { get; set; }

    [Description("When an Indexed job counts as succeeded before all indexes did.")]
    public SuccessPolicy? SuccessPolicy { get; set; }

    [Description("Retries before the job fails (BackoffLimitExceeded). Defaults to 6.")]
    public int? BackoffLimit { get; set; }

    [Description("Retries per index of an Indexed job.")]
    public int? BackoffLimitPerIndex { get; set; }

    [Description("Failed indexes after which an Indexed job with backoffLimitPerIndex fails.")]
    public int? MaxFailedIndexes { get; set; }

    [Description("Label query over the pods; generated from the job's uid unless manualSelector is true.")]
    public LabelSelector? Selector { get; set; }

    [Description("Whether the selector is the user's own instead of generated.")]
    public bool? ManualSelector { get; set; }

    [Description("The pods the job runs; restartPolicy must be OnFailure or Never.")]
    public PodTemplateSpec Template { get; set => field = value ?? new(); } = new();

    [Description("Seconds after the job finished when it is deleted.")]
    public int? TtlSecondsAfterFinished { get; set; }

    [Description("NonIndexed or Indexed. Defaults to NonIndexed.")]
    public string? CompletionMode { get; set; }

    [Description("Whether the job's pods are not to run now. Defaults to false.")]
    public bool? Suspend { get; set; }

    [Description("When a replacement pod is created: TerminatingOrFailed or Failed.")]
    public string? PodReplacementPolicy { get; set; }

    [Description("The controller that manages the job; unset means the built-in Job controller.")]
    public string? ManagedBy { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>batch/v1 JobTemplateSpec: what a CronJob creates.</summary>
public sealed class JobTemplateSpec
{
    public Axolotl.Api.Meta.ObjectMeta Metadata { get; set => field = value ?? new(); } = new();

    public JobSpec Spec { get; set => field = value ?? new(); } = new();

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
