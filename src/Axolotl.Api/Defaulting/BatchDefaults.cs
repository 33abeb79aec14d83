using Axolotl.Api.Batch;

namespace Axolotl.Api.Defaulting;

/// <summary>batch/v1 defaults (upstream pkg/apis/batch/v1/defaults.go) plus the pod template defaults.</summary>
public static class BatchDefaults
{
    public static void ApplyJob(Job job)
    {
        ApplyJobSpec(job.Spec ??= new JobSpec());
    }

    public static void ApplyJobSpec(JobSpec spec)
    {
        // Neither set: one pod that must succeed once. Only parallelism set: a work queue (completions stays unset).
        if (spec.Completions is null && spec.Parallelism is null)
        {
            spec.Completions = 1;
        }
        spec.Parallelism ??= 1;
        spec.BackoffLimit ??= spec.BackoffLimitPerIndex is not null ? int.MaxValue : 6;
        if (string.IsNullOrEmpty(spec.CompletionMode))
        {
            spec.CompletionMode = "NonIndexed";
        }
        spec.Suspend ??= false;
        if (string.IsNullOrEmpty(spec.PodReplacementPolicy))
        {
            spec.PodReplacementPolicy = spec.PodFailurePolicy is not null ? "Failed" : "TerminatingOrFailed";
        }
        foreach (var rule in spec.PodFailurePolicy?.Rules ?? [])
        {
            foreach (var pattern in rule.OnPodConditions ?? [])
            {
                if (string.IsNullOrEmpty(pattern.Status))
                {
                    pattern.Status = "True";
                }
            }
        }
        PodDefaults.ApplyTemplate(spec.Template);
    }

    /// <summary>
    /// What upstream's Job strategy does on create: unless manualSelector is true, label the template
    /// with the job's uid and name (both the batch.kubernetes.io/ keys and the legacy ones) and select
    /// on the uid. Labels the user already set are kept; validation then rejects a mismatch.
    /// </summary>
    public static void GenerateSelector(Job job)
    {
        var spec = job.Spec ??= new JobSpec();
        if (spec.ManualSelector == true)
        {
            return;
        }
        var labels = spec.Template.Metadata.Labels ??= [];
        var name = job.Metadata.Name ?? "";
        var uid = job.Metadata.Uid ?? "";
        labels.TryAdd(Job.LegacyJobNameLabel, name);
        labels.TryAdd(Job.JobNameLabel, name);
        labels.TryAdd(Job.LegacyControllerUidLabel, uid);
        labels.TryAdd(Job.ControllerUidLabel, uid);
        var selector = spec.Selector ??= new Core.LabelSelector();
        (selector.MatchLabels ??= []).TryAdd(Job.ControllerUidLabel, uid);
    }

    public static void ApplyCronJob(CronJob cronJob)
    {
        var spec = cronJob.Spec ??= new CronJobSpec();
        if (string.IsNullOrEmpty(spec.ConcurrencyPolicy))
        {
            spec.ConcurrencyPolicy = "Allow";
        }
        spec.Suspend ??= false;
        spec.SuccessfulJobsHistoryLimit ??= 3;
        spec.FailedJobsHistoryLimit ??= 1;
        // Upstream defaults Job objects, not job templates: only the pod template gets its defaults here.
        PodDefaults.ApplyTemplate(spec.JobTemplate.Spec.Template);
    }
}
