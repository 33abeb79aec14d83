using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Batch;

/// <summary>batch/v1 CronJob: creates Jobs on a schedule.</summary>
[Description("Creates Jobs on a cron schedule.")]
public sealed class CronJob : KubeObject<CronJobSpec, CronJobStatus>
{
}

/// <summary>batch/v1 CronJobSpec.</summary>
public sealed class CronJobSpec
{
    [Description("The schedule in cron format (5 fields or a macro such as @hourly).")]
    public string Schedule { get; set => field = value ?? ""; } = "";

    [Description("The IANA time zone the schedule is read in; unset: the controller's local time (UTC here).")]
    public string? TimeZone { get; set; }

    [Description("Seconds after a missed scheduled time during which the job may still start.")]
    public long? StartingDeadlineSeconds { get; set; }

    [Description("Allow, Forbid or Replace: what to do when the previous job still runs. Defaults to Allow.")]
    public string? ConcurrencyPolicy { get; set; }

    [Description("Whether later runs are suspended. Defaults to false.")]
    public bool? Suspend { get; set; }

    [Description("The Job to create at each scheduled time.")]
    public JobTemplateSpec JobTemplate { get; set => field = value ?? new(); } = new();

    [Description("Finished successful jobs to keep. Defaults to 3.")]
    public int? SuccessfulJobsHistoryLimit { get; set; }

    [Description("Finished failed jobs to keep. Defaults to 1.")]
    public int? FailedJobsHistoryLimit { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>batch/v1 CronJobStatus.</summary>
public sealed class CronJobStatus
{
    public List<ObjectReference>? Active { get; set; }

    public DateTimeOffset? LastScheduleTime { get; set; }

    public DateTimeOffset? LastSuccessfulTime { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
