using Axolotl.Api.Batch;
using Axolotl.Api.Core;
using Axolotl.Api.Defaulting;
using Axolotl.Api.Meta;
using Axolotl.Client.Events;
using Axolotl.Controllers.Jobs;
using Axolotl.Controllers.ReplicaSets;
using Axolotl.Controllers.Runtime;
using Axolotl.Controllers.Tests.ReplicaSets;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Controllers.Tests.Jobs;

public sealed class JobReconcilerTests : IAsyncDisposable
{
    private const string Ns = "default";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 5, 10, 0, 0, TimeSpan.Zero));
    private readonly FakeApi _api;
    private readonly FakeCache<Job> _jobs = new();
    private readonly FakeCache<Pod> _pods = new();
    private readonly ControllerExpectations _expectations;
    private readonly EventRecorder _events;
    private readonly JobReconciler _reconciler;

    public JobReconcilerTests()
    {
        _api = new FakeApi(_time);
        _expectations = new ControllerExpectations(_time);
        _events = new EventRecorder(_api.Client, new EventRecorderOptions { Component = "job-controller" }, _time, NullLogger.Instance);
        _reconciler = new JobReconciler(_api.Client, _jobs, _pods, _expectations, _events, _time, NullLogger.Instance);
    }

    public async ValueTask DisposeAsync()
    {
        await _events.DisposeAsync();
        _api.Dispose();
    }

    private Job SeedJob(Action<JobSpec>? configure = null, string name = "pi")
    {
        var job = new Job
        {
            Metadata = new ObjectMeta { Name = name, Namespace = Ns, Uid = $"uid-{name}" },
            Spec = new JobSpec
            {
                Template = new PodTemplateSpec
                {
                    Spec = new PodSpec { RestartPolicy = "Never", Containers = [new Container { Name = "main", Image = "busybox" }] },
                },
            },
        };
        configure?.Invoke(job.Spec);
        BatchDefaults.ApplyJob(job);
        BatchDefaults.GenerateSelector(job);
        var stored = _api.Seed(job);
        _jobs.Put(stored);
        return stored;
    }

    /// <summary>Copies the API's state into the caches (the informers catching up) and runs one sync.</summary>
    private async Task<ReconcileResult> SyncAsync(string name = "pi")
    {
        _jobs.Replace(_api.List<Job>(Ns));
        _pods.Replace(_api.List<Pod>(Ns));
        foreach (var pod in _pods.List(Ns))
        {
            if (!JobPods.HasTrackingFinalizer(pod))
            {
                _reconciler.FinalizerRemovalObserved($"{Ns}/{name}", pod.Metadata.Uid!);
            }
        }
        // The informer has seen every pod this test made: creations are no longer pending.
        _expectations.Delete($"{Ns}/{name}");
        var result = await _reconciler.ReconcileAsync(new ObjectKey(Ns, name), CancellationToken.None);
        _jobs.Replace(_api.List<Job>(Ns));
        _pods.Replace(_api.List<Pod>(Ns));
        return result;
    }

    private Job Job(string name = "pi") => _api.Get<Job>(Ns, name)!;

    private List<Pod> Pods() => _api.List<Pod>(Ns);

    private void Finish(Pod pod, string phase, int exitCode = 0, List<PodCondition>? conditions = null) =>
        _api.Mutate<Pod>(Ns, pod.Metadata.Name!, p => p.Status = new PodStatus
        {
            Phase = phase,
            Conditions = conditions,
            ContainerStatuses =
            [
                new ContainerStatus
                {
                    Name = "main",
                    State = new ContainerState { Terminated = new ContainerStateTerminated { ExitCode = exitCode, FinishedAt = _time.GetUtcNow() } },
                },
            ],
        });

    private async Task<List<(string Type, string Reason, string Message, string Object)>> EventsAsync()
    {
        await _events.FlushAsync(CancellationToken.None);
        return _api.Events();
    }

    [Fact]
    public async Task A_job_starts_parallelism_pods_that_carry_the_tracking_finalizer_and_the_generated_labels()
    {
        SeedJob(s => { s.Completions = 5; s.Parallelism = 2; });

        await SyncAsync();

        var pods = Pods();
        Assert.Equal(2, pods.Count);
        foreach (var pod in pods)
        {
            Assert.StartsWith("pi-", pod.Metadata.Name, StringComparison.Ordinal);
            Assert.Equal([Api.Batch.Job.TrackingFinalizer], pod.Metadata.Finalizers);
            Assert.Equal("pi", pod.Metadata.Labels![Api.Batch.Job.JobNameLabel]);
            Assert.Equal("uid-pi", pod.Metadata.Labels[Api.Batch.Job.ControllerUidLabel]);
            var owner = Assert.Single(pod.Metadata.OwnerReferences!);
            Assert.Equal(("Job", "batch/v1", true, true), (owner.Kind, owner.ApiVersion, owner.Controller, owner.BlockOwnerDeletion));
        }
        var status = Job().Status!;
        Assert.Equal(_time.GetUtcNow(), status.StartTime);
        Assert.Equal(2, status.Active);
        Assert.Equal(0, status.Ready);
        Assert.Equal(2, (await EventsAsync()).Count(e => e.Reason == "SuccessfulCreate"));
    }

    [Fact]
    public async Task A_finished_pod_is_written_down_as_uncounted_before_its_finalizer_goes_and_counted_once_after()
    {
        SeedJob();
        await SyncAsync();
        var pod = Assert.Single(Pods());
        Finish(pod, "Succeeded");

        await SyncAsync();

        var status = Job().Status!;
        Assert.Equal([pod.Metadata.Uid!], status.UncountedTerminatedPods!.Succeeded);
        Assert.Null(status.Succeeded);
        Assert.Empty(Pods()[0].Metadata.Finalizers ?? []);
        Assert.True(JobConditions.IsTrue(status, JobConditions.SuccessCriteriaMet));
        var statusWrite = _api.Writes.Select((w, i) => (w, i)).Last(x => x.w.Path.EndsWith("/jobs/pi/status", StringComparison.Ordinal)).i;
        var finalizerPatch = _api.Writes.Select((w, i) => (w, i)).Last(x => x.w.Method == HttpMethod.Patch).i;
        Assert.True(statusWrite < finalizerPatch, "the status names the pod before its finalizer is removed");

        await SyncAsync();
        await SyncAsync();

        status = Job().Status!;
        Assert.Equal(1, status.Succeeded);
        Assert.Null(status.UncountedTerminatedPods!.Succeeded);
        Assert.True(JobConditions.IsTrue(status, JobConditions.Complete));
        Assert.Equal(_time.GetUtcNow(), status.CompletionTime);
        Assert.Contains(("Normal", "Completed", "Job completed", "Job/pi"), await EventsAsync());
    }

    [Fact]
    public async Task A_finalizer_removal_that_meets_a_newer_pod_is_retried_on_a_fresh_read()
    {
        SeedJob();
        await SyncAsync();
        var pod = Assert.Single(Pods());
        Finish(pod, "Succeeded");
        _pods.Replace(Pods());
        _jobs.Replace(_api.List<Job>(Ns));
        // The agent writes the pod again after the cache saw it: the cached resourceVersion is stale.
        _api.Mutate<Pod>(Ns, pod.Metadata.Name!, p => p.Metadata.Annotations = new() { ["touched"] = "yes" });

        await _reconciler.ReconcileAsync(new ObjectKey(Ns, "pi"), CancellationToken.None);

        var stored = _api.Get<Pod>(Ns, pod.Metadata.Name!)!;
        Assert.Empty(stored.Metadata.Finalizers ?? []);
        Assert.Equal("yes", stored.Metadata.Annotations!["touched"]);
        Assert.Equal(2, _api.Writes.Count(w => w.Method == HttpMethod.Patch));
    }

    [Fact]
    public async Task A_pod_seen_again_with_its_finalizer_after_removal_is_not_counted_twice()
    {
        SeedJob(s => { s.Completions = 2; s.Parallelism = 1; });
        await SyncAsync();
        var first = Assert.Single(Pods());
        Finish(first, "Succeeded");
        _pods.Replace(Pods());
        await _reconciler.ReconcileAsync(new ObjectKey(Ns, "pi"), CancellationToken.None);
        // The cache still shows the finalizer; the controller knows it removed it.
        _jobs.Replace(_api.List<Job>(Ns));
        await _reconciler.ReconcileAsync(new ObjectKey(Ns, "pi"), CancellationToken.None);
        _jobs.Replace(_api.List<Job>(Ns));
        await _reconciler.ReconcileAsync(new ObjectKey(Ns, "pi"), CancellationToken.None);

        Assert.Equal(1, Job().Status!.Succeeded);
        Assert.Null(Job().Status!.UncountedTerminatedPods!.Succeeded);
        Assert.False(JobConditions.IsTrue(Job().Status, JobConditions.Complete));
    }

    [Fact]
    public async Task Failures_past_the_backoff_limit_fail_the_job_and_replacements_wait_out_the_growing_backoff()
    {
        SeedJob(s => s.BackoffLimit = 2);
        await SyncAsync();
        Finish(Assert.Single(Pods()), "Failed", exitCode: 1);
        await SyncAsync();
        await SyncAsync();
        Assert.Single(Pods());
        Assert.Equal(1, Job().Status!.Failed);

        _time.Advance(TimeSpan.FromSeconds(9));
        await SyncAsync();
        Assert.Single(Pods());
        _time.Advance(TimeSpan.FromSeconds(1));
        await SyncAsync();
        Assert.Equal(2, Pods().Count);

        Finish(Pods().Single(p => p.Status?.Phase != "Failed"), "Failed", exitCode: 1);
        await SyncAsync();
        await SyncAsync();
        _time.Advance(TimeSpan.FromSeconds(19));
        await SyncAsync();
        Assert.Equal(2, Pods().Count);
        _time.Advance(TimeSpan.FromSeconds(1));
        await SyncAsync();
        Assert.Equal(3, Pods().Count);

        Finish(Pods().Single(p => p.Status?.Phase != "Failed"), "Failed", exitCode: 1);
        await SyncAsync();
        await SyncAsync();

        var status = Job().Status!;
        Assert.Equal(3, status.Failed);
        var failed = JobConditions.Find(status, JobConditions.Failed)!;
        Assert.Equal(("True", "BackoffLimitExceeded", "Job has reached the specified backoff limit"), (failed.Status, failed.Reason, failed.Message));
        Assert.True(JobConditions.IsTrue(status, JobConditions.FailureTarget));
        Assert.Null(status.CompletionTime);
        Assert.Contains(("Warning", "BackoffLimitExceeded", "Job has reached the specified backoff limit", "Job/pi"), await EventsAsync());
    }

    [Fact]
    public async Task With_OnFailure_the_container_restarts_count_against_the_backoff_limit()
    {
        SeedJob(s => { s.BackoffLimit = 2; s.Template.Spec.RestartPolicy = "OnFailure"; });
        await SyncAsync();
        var pod = Assert.Single(Pods());
        _api.Mutate<Pod>(Ns, pod.Metadata.Name!, p => p.Status = new PodStatus { Phase = "Running", ContainerStatuses = [new ContainerStatus { Name = "main", RestartCount = 2 }] });

        await SyncAsync();

        Assert.True(JobConditions.IsTrue(Job().Status, JobConditions.FailureTarget));
        Assert.Contains(_api.Writes, w => w.Method == HttpMethod.Delete && w.Path.EndsWith($"/pods/{pod.Metadata.Name}", StringComparison.Ordinal));
        Assert.Equal("BackoffLimitExceeded", JobConditions.Find(Job().Status, JobConditions.FailureTarget)!.Reason);
    }

    [Fact]
    public async Task A_pod_failure_policy_ignores_some_exit_codes_and_fails_the_job_on_others()
    {
        static void Policy(JobSpec s)
        {
            s.BackoffLimit = 0;
            s.PodFailurePolicy = new PodFailurePolicy
            {
                Rules =
                [
                    new PodFailurePolicyRule { Action = "Ignore", OnExitCodes = new PodFailurePolicyOnExitCodesRequirement { Operator = "In", Values = [42] } },
                    new PodFailurePolicyRule { Action = "Ignore", OnPodConditions = [new PodFailurePolicyOnPodConditionsPattern { Type = "DisruptionTarget" }] },
                    new PodFailurePolicyRule { Action = "FailJob", OnExitCodes = new PodFailurePolicyOnExitCodesRequirement { Operator = "NotIn", Values = [1, 42] } },
                ],
            };
        }
        SeedJob(Policy);
        await SyncAsync();
        Finish(Assert.Single(Pods()), "Failed", exitCode: 42);
        await SyncAsync();
        await SyncAsync();
        Assert.Null(Job().Status!.Failed);
        Assert.Equal(2, Pods().Count);

        Finish(Pods().Single(p => p.Status?.Phase != "Failed"), "Failed", exitCode: 137, conditions: [new PodCondition { Type = "DisruptionTarget", Status = "True" }]);
        await SyncAsync();
        await SyncAsync();
        Assert.Null(Job().Status!.Failed);
        Assert.Equal(3, Pods().Count);

        var last = Pods().Single(p => p.Status?.Phase != "Failed");
        Finish(last, "Failed", exitCode: 7);
        await SyncAsync();
        await SyncAsync();

        var failed = JobConditions.Find(Job().Status, JobConditions.Failed)!;
        Assert.Equal("PodFailurePolicy", failed.Reason);
        Assert.Equal($"Container main for pod {Ns}/{last.Metadata.Name} failed with exit code 7 matching FailJob rule at index 2", failed.Message);
        Assert.Equal(1, Job().Status!.Failed);
    }

    [Fact]
    public async Task An_indexed_job_gives_each_pod_its_index_hostname_and_env_and_tracks_completed_indexes()
    {
        SeedJob(s => { s.Completions = 4; s.Parallelism = 2; s.CompletionMode = "Indexed"; }, name: "idx");
        await SyncAsync("idx");

        var pods = Pods().OrderBy(JobPods.CompletionIndex).ToList();
        Assert.Equal([0, 1], pods.Select(JobPods.CompletionIndex));
        foreach (var pod in pods)
        {
            var index = JobPods.CompletionIndex(pod).ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.StartsWith($"idx-{index}-", pod.Metadata.Name, StringComparison.Ordinal);
            Assert.Equal(index, pod.Metadata.Labels![Api.Batch.Job.CompletionIndexAnnotation]);
            Assert.Equal($"idx-{index}", pod.Spec!.Hostname);
            var env = Assert.Single(pod.Spec.Containers![0].Env!);
            Assert.Equal(("JOB_COMPLETION_INDEX", "metadata.annotations['batch.kubernetes.io/job-completion-index']"), (env.Name, env.ValueFrom!.FieldRef!.FieldPath));
        }

        Finish(pods[1], "Succeeded");
        await SyncAsync("idx");
        await SyncAsync("idx");

        Assert.Equal("1", Job("idx").Status!.CompletedIndexes);
        Assert.Equal([0, 2], Pods().Where(JobPods.IsActive).Select(JobPods.CompletionIndex).Order());
        foreach (var pod in Pods().Where(JobPods.IsActive).ToList())
        {
            Finish(pod, "Succeeded");
        }
        await SyncAsync("idx");
        await SyncAsync("idx");
        Assert.Equal("0-2", Job("idx").Status!.CompletedIndexes);
        Finish(Pods().Single(JobPods.IsActive), "Succeeded");
        await SyncAsync("idx");
        await SyncAsync("idx");
        Assert.Equal("0-3", Job("idx").Status!.CompletedIndexes);
        Assert.Equal(4, Job("idx").Status!.Succeeded);
        Assert.True(JobConditions.IsTrue(Job("idx").Status, JobConditions.Complete));
    }

    [Fact]
    public async Task A_success_policy_completes_an_indexed_job_once_its_rule_is_met_and_stops_the_rest()
    {
        SeedJob(s =>
        {
            s.Completions = 3;
            s.Parallelism = 3;
            s.CompletionMode = "Indexed";
            s.SuccessPolicy = new SuccessPolicy { Rules = [new SuccessPolicyRule { SucceededIndexes = "0" }] };
        }, name: "lead");
        await SyncAsync("lead");
        Finish(Pods().Single(p => JobPods.CompletionIndex(p) == 0), "Succeeded");

        await SyncAsync("lead");

        var met = JobConditions.Find(Job("lead").Status, JobConditions.SuccessCriteriaMet)!;
        Assert.Equal(("True", "SuccessPolicy", "Matched rules at index 0"), (met.Status, met.Reason, met.Message));
        Assert.Single(Pods());
        await SyncAsync("lead");
        var complete = JobConditions.Find(Job("lead").Status, JobConditions.Complete)!;
        Assert.Equal(("SuccessPolicy", "Matched rules at index 0"), (complete.Reason, complete.Message));
        Assert.Equal(("0", 1), (Job("lead").Status!.CompletedIndexes, Job("lead").Status!.Succeeded));
    }

    [Fact]
    public async Task An_index_past_its_backoffLimitPerIndex_is_failed_and_the_job_fails_with_FailedIndexes()
    {
        SeedJob(s => { s.Completions = 2; s.Parallelism = 2; s.CompletionMode = "Indexed"; s.BackoffLimitPerIndex = 0; }, name: "per");
        await SyncAsync("per");
        var pods = Pods().OrderBy(JobPods.CompletionIndex).ToList();
        Assert.Equal("0", pods[0].Metadata.Annotations![JobPods.IndexFailureCountAnnotation]);
        Finish(pods[0], "Failed", exitCode: 1);
        Finish(pods[1], "Succeeded");
        await SyncAsync("per");
        await SyncAsync("per");
        await SyncAsync("per");

        var status = Job("per").Status!;
        Assert.Equal(("0", "1"), (status.FailedIndexes, status.CompletedIndexes));
        Assert.Equal(2, Pods().Count);
        var failed = JobConditions.Find(status, JobConditions.Failed)!;
        Assert.Equal(("FailedIndexes", "Job has failed indexes"), (failed.Reason, failed.Message));
    }

    [Fact]
    public async Task Past_activeDeadlineSeconds_the_job_deletes_its_pods_and_fails_with_DeadlineExceeded()
    {
        SeedJob(s => { s.ActiveDeadlineSeconds = 30; s.Parallelism = 2; s.Completions = 2; });
        var result = await SyncAsync();
        Assert.Equal(ReconcileResult.RequeueAfter(TimeSpan.FromSeconds(30)), result);

        _time.Advance(TimeSpan.FromSeconds(30));
        await SyncAsync();

        Assert.Equal(JobConditions.DeadlineExceeded, JobConditions.Find(Job().Status, JobConditions.FailureTarget)!.Reason);
        Assert.Empty(Pods());
        await SyncAsync();
        var failed = JobConditions.Find(Job().Status, JobConditions.Failed)!;
        Assert.Equal(("DeadlineExceeded", "Job was active longer than specified deadline"), (failed.Reason, failed.Message));
    }

    [Fact]
    public async Task A_suspended_job_runs_no_pods_and_resuming_starts_its_clock_again()
    {
        SeedJob(s => s.Suspend = true);
        await SyncAsync();
        Assert.Empty(Pods());
        var suspended = JobConditions.Find(Job().Status, JobConditions.Suspended)!;
        Assert.Equal(("True", "JobSuspended", "Job suspended"), (suspended.Status, suspended.Reason, suspended.Message));
        Assert.Null(Job().Status!.StartTime);

        _time.Advance(TimeSpan.FromMinutes(1));
        _api.Mutate<Job>(Ns, "pi", j => j.Spec!.Suspend = false);
        await SyncAsync();

        Assert.Single(Pods());
        var resumed = JobConditions.Find(Job().Status, JobConditions.Suspended)!;
        Assert.Equal(("False", "JobResumed"), (resumed.Status, resumed.Reason));
        Assert.Equal(_time.GetUtcNow(), Job().Status!.StartTime);
        var events = await EventsAsync();
        Assert.Contains(("Normal", "Suspended", "Job suspended", "Job/pi"), events);
        Assert.Contains(("Normal", "Resumed", "Job resumed", "Job/pi"), events);
    }

    [Fact]
    public async Task A_finished_job_lets_go_of_its_pods()
    {
        SeedJob();
        await SyncAsync();
        _api.Mutate<Job>(Ns, "pi", j => j.Status = new JobStatus { Conditions = [new JobCondition { Type = "Complete", Status = "True" }] });
        var pod = Assert.Single(Pods());

        await SyncAsync();

        Assert.Empty(_api.Get<Pod>(Ns, pod.Metadata.Name!)!.Metadata.Finalizers ?? []);
    }
}
