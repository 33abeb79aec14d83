using System.ComponentModel;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Batch;

/// <summary>batch/v1 Job: runs pods until a number of them succeed.</summary>
[Description("Runs pods to completion: until enough of them succeed, or the job fails.")]
public sealed class Job : KubeObject<JobSpec, JobStatus>
{
    /// <summary>The selector label the API server generates (upstream batch.ControllerUidLabel).</summary>
    public const string ControllerUidLabel = "batch.kubernetes.io/controller-uid";

    /// <summary>The job-name label put on the template (upstream batch.JobNameLabel).</summary>
    public const string JobNameLabel = "batch.kubernetes.io/job-name";

    public const string LegacyControllerUidLabel = "controller-uid";

    public const string LegacyJobNameLabel = "job-name";

    /// <summary>Annotation and label carrying a pod's completion index in an Indexed Job.</summary>
    public const string CompletionIndexAnnotation = "batch.kubernetes.io/job-completion-index";

    /// <summary>The finalizer the Job controller keeps on its pods until their end is counted in the status.</summary>
    public const string TrackingFinalizer = "batch.kubernetes.io/job-tracking";

    /// <summary>Set on a Job made by hand from a CronJob (`kubectl create job --from=cronjob/X`).</summary>
    public const string InstantiateAnnotation = "cronjob.kubernetes.io/instantiate";

    /// <summary>The scheduled time a CronJob made the Job for (RFC 3339).</summary>
    public const string CronJobScheduledTimestampAnnotation = "batch.kubernetes.io/cronjob-scheduled-timestamp";
}
