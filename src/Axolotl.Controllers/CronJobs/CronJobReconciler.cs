using System.Globalization;
using Axolotl.Api.Batch;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.Client;
using Axolotl.Client.Events;
using Axolotl.Controllers.Jobs;
using Axolotl.Controllers.ReplicaSets;
using Axolotl.Controllers.Runtime;

namespace Axolotl.Controllers.CronJobs;

/// <summary>
/// Runs one CronJob (upstream syncCronJob, v1.32): bring status.active in line with the Jobs it owns
/// (SawCompletedJob, MissingJob, lastSuccessfulTime), trim the finished Jobs to the history limits,
/// then, unless suspended, start the Job of the most recent missed scheduled time, honouring
/// startingDeadlineSeconds and the concurrency policy, and look again at the next scheduled time.
/// </summary>
public sealed class CronJobReconciler(KubeClient client, IObjectCache<CronJob> cronJobs, IObjectCache<Job> jobs, EventRecorder events,
    TimeProvider time, CronJobControllerOptions? options = null) : IReconciler<ObjectKey>
{
    private readonly CronJobControllerOptions _options = options ?? new CronJobControllerOptions();

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken ct)
    {
        var cached = cronJobs.Get(key.Namespace, key.Name);
        if (cached is null)
        {
            return ReconcileResult.Done;
        }
        var cronJob = cached.DeepCopy();
        var spec = cronJob.Spec ?? new CronJobSpec();
        var status = cronJob.Status ??= new CronJobStatus();
        var before = status.DeepCopy();
        var owned = jobs.List(key.Namespace).Where(j => ControllerRefs.ControllerOf(j)?.Uid == cronJob.Metadata.Uid).ToList();

        await ReconcileActiveAsync(cronJob, status, owned, ct);
        await CleanupFinishedJobsAsync(cronJob, spec, owned, ct);

        var result = ReconcileResult.Done;
        if (cronJob.Metadata.DeletionTimestamp is null && spec.Suspend != true)
        {
            result = await ScheduleAsync(cronJob, spec, status, owned, ct);
        }
        if (!Axolotl.Api.Validation.SpecDiff.AreEqual(before, status))
        {
            await client.Resource<CronJob>(KnownResources.CronJobs).UpdateStatusAsync(cronJob, ct);
        }
        return result;
    }

    private async Task ReconcileActiveAsync(CronJob cronJob, CronJobStatus status, List<Job> owned, CancellationToken ct)
    {
        var active = status.Active ??= [];
        foreach (var job in owned)
        {
            var listed = active.Any(r => r.Uid == job.Metadata.Uid);
            var finished = JobConditions.IsFinished(job.Status);
            if (!listed && !finished)
            {
                // Created just before a crash, or by a relist newer than our status: it is ours and running.
                active.Add(Reference(job));
            }
            else if (listed && finished)
            {
                active.RemoveAll(r => r.Uid == job.Metadata.Uid);
                var condition = JobConditions.IsTrue(job.Status, JobConditions.Complete) ? JobConditions.Complete : JobConditions.Failed;
                events.Record(cronJob, EventRecorder.Normal, "SawCompletedJob", $"Saw completed job: {job.Metadata.Name}, condition: {condition}");
            }
            if (JobConditions.IsTrue(job.Status, JobConditions.Complete) && job.Status?.CompletionTime is { } completed &&
                (status.LastSuccessfulTime is not { } last || completed > last))
            {
                status.LastSuccessfulTime = completed;
            }
        }
        foreach (var reference in active.ToList())
        {
            if (owned.Any(j => j.Metadata.Uid == reference.Uid))
            {
                continue;
            }
            // Not in the cache: ask the API before declaring it gone.
            var live = await client.Resource<Job>(KnownResources.Jobs).TryGetAsync(reference.Namespace ?? cronJob.Metadata.Namespace, reference.Name ?? "", ct);
            if (live is null || live.Metadata.Uid != reference.Uid)
            {
                events.Record(cronJob, EventRecorder.Normal, "MissingJob", $"Active job went missing: {reference.Name}");
                active.Remove(reference);
            }
        }
        if (active.Count == 0)
        {
            status.Active = null;
        }
    }

    private async Task CleanupFinishedJobsAsync(CronJob cronJob, CronJobSpec spec, List<Job> owned, CancellationToken ct)
    {
        if (spec.SuccessfulJobsHistoryLimit is null && spec.FailedJobsHistoryLimit is null)
        {
            return;
        }
        var successful = owned.Where(j => JobConditions.IsTrue(j.Status, JobConditions.Complete)).ToList();
        var failed = owned.Where(j => JobConditions.IsTrue(j.Status, JobConditions.Failed)).ToList();
        if (spec.SuccessfulJobsHistoryLimit is { } keepSuccessful)
        {
            await RemoveOldestAsync(cronJob, successful, keepSuccessful, ct);
        }
        if (spec.FailedJobsHistoryLimit is { } keepFailed)
        {
            await RemoveOldestAsync(cronJob, failed, keepFailed, ct);
        }
    }

    private async Task RemoveOldestAsync(CronJob cronJob, List<Job> finished, int keep, CancellationToken ct)
    {
        if (finished.Count <= keep)
        {
            return;
        }
        // Oldest first by start time (a job that never started sorts first), then by name.
        var ordered = finished.OrderBy(j => j.Status?.StartTime ?? DateTimeOffset.MinValue).ThenBy(j => j.Metadata.Name, StringComparer.Ordinal).ToList();
        foreach (var job in ordered.Take(finished.Count - keep))
        {
            await DeleteJobAsync(cronJob, job, ct);
        }
    }

    private async Task<bool> DeleteJobAsync(CronJob cronJob, Job job, CancellationToken ct)
    {
        try
        {
            await client.Resource<Job>(KnownResources.Jobs).DeleteAsync(job.Metadata.Namespace, job.Metadata.Name ?? "",
                new DeleteOptions { PropagationPolicy = PropagationPolicy.Background, Preconditions = new Preconditions { Uid = job.Metadata.Uid } }, ct);
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            events.Record(cronJob, EventRecorder.Warning, "FailedDelete", $"Deleted job: {e.Message}");
            throw;
        }
        events.Record(cronJob, EventRecorder.Normal, "SuccessfulDelete", $"Deleted job {job.Metadata.Name}");
        return true;
    }

    private async Task<ReconcileResult> ScheduleAsync(CronJob cronJob, CronJobSpec spec, CronJobStatus status, List<Job> owned, CancellationToken ct)
    {
        var zone = _options.LocalTimeZone;
        if (spec.TimeZone is { } zoneName && !CronTimeZones.TryFind(zoneName, out zone))
        {
            events.Record(cronJob, EventRecorder.Warning, "UnknownTimeZone", $"invalid timeZone: \"{zoneName}\": unknown time zone {zoneName}");
            return ReconcileResult.Done;
        }
        if (!CronSchedule.TryParse(spec.Schedule, out var schedule, out var error))
        {
            events.Record(cronJob, EventRecorder.Warning, "UnparseableSchedule", $"unparseable schedule: \"{spec.Schedule}\" : {error}");
            return ReconcileResult.Done;
        }
        var now = time.GetUtcNow();
        var (mostRecent, missed) = ScheduleTimes.MostRecent(cronJob, schedule!, zone, now);
        if (missed > ScheduleTimes.TooManyMissed)
        {
            events.Record(cronJob, EventRecorder.Warning, "TooManyMissedTimes", "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew");
        }
        var next = NextRun(schedule!, zone, now);
        if (mostRecent is not { } scheduled)
        {
            return next;
        }
        if (spec.StartingDeadlineSeconds is { } deadline && scheduled.AddSeconds(deadline) < now)
        {
            events.Record(cronJob, EventRecorder.Normal, "MissSchedule",
                $"Missed scheduled time to start a job: {scheduled.ToUniversalTime().ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture)}");
            return next;
        }
        var jobName = ScheduleTimes.JobName(cronJob.Metadata.Name ?? "", scheduled);
        if ((status.Active ?? []).Any(r => r.Name == jobName) || status.LastScheduleTime == scheduled)
        {
            return next;
        }
        var active = status.Active ?? [];
        if (spec.ConcurrencyPolicy == "Forbid" && active.Count > 0)
        {
            // The scheduled time stays the most recent one: it still starts if the running job ends before the next.
            events.Record(cronJob, EventRecorder.Normal, "JobAlreadyActive", "Not starting job because prior execution is running and concurrency policy is Forbid");
            return next;
        }
        if (spec.ConcurrencyPolicy == "Replace")
        {
            foreach (var reference in active.ToList())
            {
                var job = owned.FirstOrDefault(j => j.Metadata.Uid == reference.Uid);
                if (job is null || await DeleteJobAsync(cronJob, job, ct))
                {
                    active.Remove(reference);
                }
            }
        }

        var created = await CreateJobAsync(cronJob, spec, scheduled, zone, jobName, ct);
        if (created is not null && !active.Any(r => r.Uid == created.Metadata.Uid))
        {
            active.Add(Reference(created));
        }
        status.Active = active.Count == 0 ? null : active;
        status.LastScheduleTime = scheduled;
        return next;
    }

    private async Task<Job?> CreateJobAsync(CronJob cronJob, CronJobSpec spec, DateTimeOffset scheduled, TimeZoneInfo zone, string name, CancellationToken ct)
    {
        var template = spec.JobTemplate.DeepCopy();
        var annotations = template.Metadata.Annotations ?? [];
        var local = TimeZoneInfo.ConvertTime(scheduled, zone);
        annotations[Job.CronJobScheduledTimestampAnnotation] = local.Offset == TimeSpan.Zero
            ? local.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : local.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        var job = new Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = new Axolotl.Api.Meta.ObjectMeta
            {
                Name = name,
                Namespace = cronJob.Metadata.Namespace,
                Labels = template.Metadata.Labels,
                Annotations = annotations,
                OwnerReferences = [ControllerRefs.NewControllerRef(cronJob, KnownResources.CronJobs)],
            },
            Spec = template.Spec,
        };
        try
        {
            var created = await client.Resource<Job>(KnownResources.Jobs).CreateAsync(job, ct);
            events.Record(cronJob, EventRecorder.Normal, "SuccessfulCreate", $"Created job {created.Metadata.Name}");
            return created;
        }
        catch (KubeApiException e) when (e.IsAlreadyExists)
        {
            // Made already (by us before a restart, or by someone else): keep it if it is ours, and do not retry this time.
            var existing = await client.Resource<Job>(KnownResources.Jobs).TryGetAsync(cronJob.Metadata.Namespace, name, ct);
            return existing is not null && ControllerRefs.ControllerOf(existing)?.Uid == cronJob.Metadata.Uid && !JobConditions.IsFinished(existing.Status) ? existing : null;
        }
        catch (KubeApiException e) when (NamespaceTermination.Is(e))
        {
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            events.Record(cronJob, EventRecorder.Warning, "FailedCreate", $"Error creating job: {e.Message}");
            throw;
        }
    }

    private static ReconcileResult NextRun(CronSchedule schedule, TimeZoneInfo zone, DateTimeOffset now) =>
        schedule.Next(now, zone) is { } next ? ReconcileResult.RequeueAfter(next - now + TimeSpan.FromMilliseconds(100)) : ReconcileResult.Done;

    private static ObjectReference Reference(Job job) => new()
    {
        Kind = "Job",
        Namespace = job.Metadata.Namespace,
        Name = job.Metadata.Name,
        Uid = job.Metadata.Uid,
        ApiVersion = "batch/v1",
        ResourceVersion = job.Metadata.ResourceVersion,
    };
}
