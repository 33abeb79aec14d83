using Axolotl.Api.Batch;
using Axolotl.Api.Core;
using Axolotl.Api.Defaulting;
using Axolotl.Api.Meta;
using Axolotl.Client.Events;
using Axolotl.Controllers.CronJobs;
using Axolotl.Controllers.Jobs;
using Axolotl.Controllers.Runtime;
using Axolotl.Controllers.Tests.ReplicaSets;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Controllers.Tests.Jobs;

public sealed class CronJobReconcilerTests : IAsyncDisposable
{
    private const string Ns = "default";
    private static readonly DateTimeOffset Created = new(2026, 1, 5, 10, 0, 30, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Created);
    private readonly FakeApi _api;
    private readonly FakeCache<CronJob> _cronJobs = new();
    private readonly FakeCache<Job> _jobs = new();
    private readonly EventRecorder _events;
    private readonly CronJobReconciler _reconciler;

    public CronJobReconcilerTests()
    {
        _api = new FakeApi(_time);
        _events = new EventRecorder(_api.Client, new EventRecorderOptions { Component = "cronjob-controller" }, _time, NullLogger.Instance);
        _reconciler = new CronJobReconciler(_api.Client, _cronJobs, _jobs, _events, _time, new CronJobControllerOptions { LocalTimeZone = TimeZoneInfo.Utc });
    }

    public async ValueTask DisposeAsync()
    {
        await _events.DisposeAsync();
        _api.Dispose();
    }

    private void SeedCronJob(string schedule = "*/5 * * * *", string concurrency = "Allow", Action<CronJobSpec>? configure = null)
    {
        var cronJob = new CronJob
        {
            Metadata = new ObjectMeta { Name = "tick", Namespace = Ns, Uid = "uid-tick", CreationTimestamp = Created },
            Spec = new CronJobSpec
            {
                Schedule = schedule,
                ConcurrencyPolicy = concurrency,
                JobTemplate = new JobTemplateSpec
                {
                    Metadata = new ObjectMeta { Labels = new() { ["team"] = "a" } },
                    Spec = new JobSpec { Template = new PodTemplateSpec { Spec = new PodSpec { RestartPolicy = "Never", Containers = [new Container { Name = "c", Image = "busybox" }] } } },
                },
            },
        };
        configure?.Invoke(cronJob.Spec);
        BatchDefaults.ApplyCronJob(cronJob);
        _api.Seed(cronJob);
    }

    private async Task<ReconcileResult> SyncAsync()
    {
        _cronJobs.Replace(_api.List<CronJob>(Ns));
        _jobs.Replace(_api.List<Job>(Ns));
        return await _reconciler.ReconcileAsync(new ObjectKey(Ns, "tick"), CancellationToken.None);
    }

    private CronJob CronJob() => _api.Get<CronJob>(Ns, "tick")!;

    private List<string> JobNames() => [.. _api.List<Job>(Ns).Select(j => j.Metadata.Name!).Order(StringComparer.Ordinal)];

    private void Finish(string job, string condition, DateTimeOffset? at = null) =>
        _api.Mutate<Job>(Ns, job, j => j.Status = new JobStatus
        {
            StartTime = at ?? _time.GetUtcNow(),
            CompletionTime = condition == "Complete" ? at ?? _time.GetUtcNow() : null,
            Conditions = [new JobCondition { Type = condition, Status = "True" }],
        });

    private async Task<List<(string Type, string Reason, string Message, string Object)>> EventsAsync()
    {
        await _events.FlushAsync(CancellationToken.None);
        return _api.Events();
    }

    private static string NameAt(int hour, int minute) => "tick-" + (new DateTimeOffset(2026, 1, 5, hour, minute, 0, TimeSpan.Zero).ToUnixTimeSeconds() / 60);

    [Fact]
    public async Task At_each_scheduled_time_a_job_named_after_it_is_created_and_the_next_time_is_awaited()
    {
        SeedCronJob();
        var before = await SyncAsync();
        Assert.Empty(JobNames());
        Assert.Equal(ReconcileResult.RequeueAfter(TimeSpan.FromSeconds(270.1)), before);

        _time.Advance(TimeSpan.FromSeconds(270));
        var after = await SyncAsync();

        var job = Assert.Single(_api.List<Job>(Ns));
        Assert.Equal(NameAt(10, 5), job.Metadata.Name);
        Assert.Equal("2026-01-05T10:05:00Z", job.Metadata.Annotations![Api.Batch.Job.CronJobScheduledTimestampAnnotation]);
        Assert.Equal("a", job.Metadata.Labels!["team"]);
        Assert.Equal(("CronJob", "tick", true), (job.Metadata.OwnerReferences![0].Kind, job.Metadata.OwnerReferences[0].Name, job.Metadata.OwnerReferences[0].Controller));
        var status = CronJob().Status!;
        Assert.Equal(new DateTimeOffset(2026, 1, 5, 10, 5, 0, TimeSpan.Zero), status.LastScheduleTime);
        Assert.Equal(job.Metadata.Uid, Assert.Single(status.Active!).Uid);
        Assert.Equal(ReconcileResult.RequeueAfter(TimeSpan.FromSeconds(300.1)), after);
        Assert.Contains(("Normal", "SuccessfulCreate", $"Created job {NameAt(10, 5)}", "CronJob/tick"), await EventsAsync());

        await SyncAsync();
        Assert.Single(JobNames());
    }

    [Fact]
    public async Task Allow_runs_jobs_side_by_side_Forbid_skips_while_one_runs_Replace_swaps_it()
    {
        SeedCronJob(concurrency: "Allow");
        _time.Advance(TimeSpan.FromSeconds(270));
        await SyncAsync();
        _time.Advance(TimeSpan.FromMinutes(5));
        await SyncAsync();
        Assert.Equal([NameAt(10, 5), NameAt(10, 10)], JobNames());
        Assert.Equal(2, CronJob().Status!.Active!.Count);

        _api.Mutate<CronJob>(Ns, "tick", c => c.Spec!.ConcurrencyPolicy = "Forbid");
        _time.Advance(TimeSpan.FromMinutes(5));
        await SyncAsync();
        Assert.Equal(2, JobNames().Count);
        Assert.Contains(("Normal", "JobAlreadyActive", "Not starting job because prior execution is running and concurrency policy is Forbid", "CronJob/tick"), await EventsAsync());

        _api.Mutate<CronJob>(Ns, "tick", c => c.Spec!.ConcurrencyPolicy = "Replace");
        await SyncAsync();
        Assert.Equal([NameAt(10, 15)], JobNames());
        var events = await EventsAsync();
        Assert.Contains(("Normal", "SuccessfulDelete", $"Deleted job {NameAt(10, 5)}", "CronJob/tick"), events);
        Assert.Contains(("Normal", "SuccessfulDelete", $"Deleted job {NameAt(10, 10)}", "CronJob/tick"), events);
        Assert.Equal(NameAt(10, 15), Assert.Single(CronJob().Status!.Active!).Name);
    }

    [Fact]
    public async Task Finished_jobs_leave_the_active_list_and_only_the_history_limits_are_kept()
    {
        SeedCronJob(schedule: "* * * * *", configure: s => { s.SuccessfulJobsHistoryLimit = 2; s.FailedJobsHistoryLimit = 1; });
        for (var i = 0; i < 4; i++)
        {
            _time.Advance(TimeSpan.FromMinutes(1));
            await SyncAsync();
            var name = Assert.Single(CronJob().Status!.Active!).Name!;
            Finish(name, "Complete");
            await SyncAsync();
        }

        Assert.Equal([NameAt(10, 3), NameAt(10, 4)], JobNames());
        var status = CronJob().Status!;
        Assert.Null(status.Active);
        Assert.Equal(_time.GetUtcNow(), status.LastSuccessfulTime);
        var events = await EventsAsync();
        Assert.Contains(("Normal", "SawCompletedJob", $"Saw completed job: {NameAt(10, 1)}, condition: Complete", "CronJob/tick"), events);
        Assert.Contains(("Normal", "SuccessfulDelete", $"Deleted job {NameAt(10, 1)}", "CronJob/tick"), events);
    }

    [Fact]
    public async Task After_a_long_downtime_only_the_most_recent_time_runs_and_too_many_misses_are_reported()
    {
        SeedCronJob(schedule: "* * * * *");
        _time.Advance(TimeSpan.FromHours(3));

        await SyncAsync();

        Assert.Equal([NameAt(13, 0)], JobNames());
        Assert.Contains(("Warning", "TooManyMissedTimes", "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew", "CronJob/tick"), await EventsAsync());
    }

    [Fact]
    public async Task A_starting_deadline_bounds_how_far_back_missed_times_are_looked_for()
    {
        SeedCronJob(schedule: "0 * * * *", configure: s => s.StartingDeadlineSeconds = 60);
        _time.Advance(TimeSpan.FromMinutes(59) + TimeSpan.FromSeconds(29) + TimeSpan.FromMinutes(2));

        await SyncAsync();

        Assert.Empty(JobNames());
        Assert.DoesNotContain(await EventsAsync(), e => e.Reason == "TooManyMissedTimes");
    }

    [Fact]
    public async Task A_suspended_cronjob_starts_nothing_and_an_active_job_that_vanished_is_dropped()
    {
        SeedCronJob(schedule: "* * * * *");
        _time.Advance(TimeSpan.FromMinutes(1));
        await SyncAsync();
        var name = Assert.Single(JobNames());
        _api.Mutate<CronJob>(Ns, "tick", c => c.Spec!.Suspend = true);
        _api.Remove<Job>(Ns, name);
        _time.Advance(TimeSpan.FromMinutes(3));

        await SyncAsync();

        Assert.Empty(JobNames());
        Assert.Null(CronJob().Status!.Active);
        Assert.Contains(("Normal", "MissingJob", $"Active job went missing: {name}", "CronJob/tick"), await EventsAsync());
    }

    [Fact]
    public async Task The_schedule_is_read_in_the_cronjobs_time_zone()
    {
        SeedCronJob(schedule: "0 12 * * *", configure: s => s.TimeZone = "Asia/Tokyo");
        // 12:00 in Tokyo is 03:00 UTC.
        _time.Advance(new DateTimeOffset(2026, 1, 6, 3, 0, 0, TimeSpan.Zero) - Created);

        await SyncAsync();

        var job = Assert.Single(_api.List<Job>(Ns));
        Assert.Equal("2026-01-06T12:00:00+09:00", job.Metadata.Annotations![Api.Batch.Job.CronJobScheduledTimestampAnnotation]);
    }
}
