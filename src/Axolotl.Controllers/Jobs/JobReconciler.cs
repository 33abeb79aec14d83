using System.Collections.Concurrent;
using System.Globalization;
using Axolotl.Api.Batch;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.Api.Selectors;
using Axolotl.Client;
using Axolotl.Client.Events;
using Axolotl.Controllers.ReplicaSets;
using Axolotl.Controllers.Runtime;
using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.Jobs;

/// <summary>
/// Runs one Job (upstream syncJob), in this order:
/// 1. claim the pods (its own, plus matching orphans); a Job being deleted or already finished only
///    gets the tracking finalizer off its pods;
/// 2. count: an uncounted pod (status.uncountedTerminatedPods) whose finalizer is gone moves to
///    succeeded/failed; a finished pod still holding the finalizer is added to the uncounted lists
///    (after its podFailurePolicy rule: Ignore drops it, FailJob/FailIndex mark the job or index);
/// 3. decide: FailureTarget (backoff limit, deadline, policy, failed indexes) or SuccessCriteriaMet,
///    after which the remaining pods are deleted; Complete/Failed follow once no pod is left running;
/// 4. otherwise create or delete pods toward parallelism, after the failure backoff; suspend deletes them;
/// 5. write the status, and only then take the finalizer off the pods it now accounts for.
/// A pod is therefore never counted twice (its uid is written before its finalizer goes, and counted
/// only after) nor lost (it cannot disappear while it holds the finalizer).
/// </summary>
public sealed class JobReconciler : IReconciler<ObjectKey>
{
    private readonly KubeClient _client;
    private readonly IObjectCache<Job> _jobs;
    private readonly IObjectCache<Pod> _pods;
    private readonly ControllerExpectations _expectations;
    private readonly EventRecorder _events;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly JobControllerOptions _options;
    private readonly JobBackoff _backoff = new();

    // Pods whose finalizer this controller removed, until the cache shows it gone (upstream's finalizer expectations).
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, bool>> _finalizersRemoved = new(StringComparer.Ordinal);

    // The last status this controller wrote per job: the cache may still show an older one.
    private readonly ConcurrentDictionary<string, Job> _written = new(StringComparer.Ordinal);

    public JobReconciler(KubeClient client, IObjectCache<Job> jobs, IObjectCache<Pod> pods, ControllerExpectations expectations,
        EventRecorder events, TimeProvider time, ILogger logger, JobControllerOptions? options = null)
    {
        _client = client;
        _jobs = jobs;
        _pods = pods;
        _expectations = expectations;
        _events = events;
        _time = time;
        _logger = logger;
        _options = options ?? new JobControllerOptions();
    }

    /// <summary>The informer saw the pod without the finalizer (or gone): its removal needs no more remembering.</summary>
    public void FinalizerRemovalObserved(string jobKey, string podUid)
    {
        if (_finalizersRemoved.TryGetValue(jobKey, out var set))
        {
            set.TryRemove(podUid, out _);
        }
    }

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken ct)
    {
        var keyText = key.ToString();
        var cached = _jobs.Get(key.Namespace, key.Name);
        if (cached is null)
        {
            _expectations.Delete(keyText);
            _backoff.Remove(keyText);
            _finalizersRemoved.TryRemove(keyText, out _);
            _written.TryRemove(keyText, out _);
            return ReconcileResult.Done;
        }
        var job = Freshest(keyText, cached);
        var spec = job.Spec ?? new JobSpec();
        if (spec.ManagedBy is { } managedBy && managedBy != "kubernetes.io/job-controller")
        {
            return ReconcileResult.Done;
        }
        ParsedLabelSelector selector;
        try
        {
            selector = ParsedLabelSelector.FromModel(spec.Selector);
        }
        catch (FormatException e)
        {
            JobLog.InvalidSelector(_logger, e, key.Namespace, key.Name);
            return ReconcileResult.Done;
        }

        var candidates = _pods.List(key.Namespace).Where(p => p.Metadata.DeletionTimestamp is null || ControllerRefs.ControllerOf(p)?.Uid == job.Metadata.Uid).ToList();
        var pods = await new ControllerRefManager<Pod>(_client, job, KnownResources.Jobs, selector).ClaimAsync(candidates, ct);

        if (job.Metadata.DeletionTimestamp is not null || JobConditions.IsFinished(job.Status))
        {
            // Nothing more to count: let the pods go.
            await RemoveFinalizersAsync(keyText, pods.Where(JobPods.HasTrackingFinalizer).ToList(), ct);
            _backoff.Remove(keyText);
            return ReconcileResult.Done;
        }

        var now = _time.GetUtcNow();
        var state = new JobSyncState(job, pods, now);
        var removed = _finalizersRemoved.GetOrAdd(keyText, _ => new ConcurrentDictionary<string, bool>(StringComparer.Ordinal));
        var podsToRelease = state.Count(removed, out var newFailures, out var newSuccess);
        _backoff.Observe(keyText, newFailures, newSuccess);

        var requeue = state.Decide(restarts: pods.Where(JobPods.IsActive).Sum(JobPods.Restarts));
        var manageError = (Exception?)null;
        if (state.FinishingReason is not null)
        {
            await DeletePodsAsync(job, keyText, state.Active, ct);
        }
        else if (spec.Suspend == true)
        {
            await DeletePodsAsync(job, keyText, state.Active, ct);
        }
        else if (_expectations.Satisfied(keyText))
        {
            var wait = _backoff.Remaining(keyText, now, _options.PodFailureBackoff, _options.MaxPodFailureBackoff);
            if (wait > TimeSpan.Zero && state.WantsMorePods)
            {
                requeue = Min(requeue, wait);
            }
            else
            {
                manageError = await ManagePodsAsync(job, keyText, state, ct);
            }
        }

        var events = state.FinishStatus();
        await WriteStatusAsync(keyText, job, state.Status, ct);
        foreach (var (type, reason, message) in events)
        {
            _events.Record(job, type, reason, message);
        }
        await RemoveFinalizersAsync(keyText, podsToRelease, ct);
        if (manageError is not null)
        {
            throw manageError;
        }
        return requeue is { } after ? ReconcileResult.RequeueAfter(after) : ReconcileResult.Done;
    }

    private static TimeSpan? Min(TimeSpan? a, TimeSpan b) => a is { } x && x < b ? x : b;

    /// <summary>The cached job, or the one this controller wrote last when the cache has not caught up with it yet.</summary>
    private Job Freshest(string key, Job cached)
    {
        if (_written.TryGetValue(key, out var written) && written.Metadata.Uid == cached.Metadata.Uid &&
            long.TryParse(written.Metadata.ResourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var ours) &&
            long.TryParse(cached.Metadata.ResourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var theirs) && ours > theirs)
        {
            return written;
        }
        return cached;
    }

    private async Task<Exception?> ManagePodsAsync(Job job, string key, JobSyncState state, CancellationToken ct)
    {
        var spec = job.Spec!;
        var surplus = state.Surplus();
        if (surplus.Count > 0)
        {
            await DeletePodsAsync(job, key, surplus.Take(_options.MaxPodCreateDeletePerSync).ToList(), ct);
            return null;
        }
        var indexes = state.IndexesToCreate().Take(_options.MaxPodCreateDeletePerSync).ToList();
        if (indexes.Count == 0)
        {
            return null;
        }
        _expectations.ExpectCreations(key, indexes.Count);
        var controllerRef = ControllerRefs.NewControllerRef(job, KnownResources.Jobs);
        var queue = new ConcurrentQueue<int>(indexes);
        var (successes, error) = await SlowStart.RunAsync(indexes.Count, async c =>
        {
            queue.TryDequeue(out var index);
            await CreatePodAsync(job, spec, controllerRef, index, state.IndexFailureCount(index), c);
        }, ct);
        state.Created = successes;
        for (var skipped = indexes.Count - successes; skipped > 0; skipped--)
        {
            _expectations.CreationObserved(key);
        }
        return error;
    }

    private async Task CreatePodAsync(Job job, JobSpec spec, Axolotl.Api.Meta.OwnerReference controllerRef, int index, int indexFailures, CancellationToken ct)
    {
        var pod = PodTemplates.NewPod(spec.Template, job, controllerRef);
        (pod.Metadata.Finalizers ??= []).Add(Job.TrackingFinalizer);
        if (index != JobPods.UnknownIndex)
        {
            var text = index.ToString(CultureInfo.InvariantCulture);
            (pod.Metadata.Annotations ??= [])[Job.CompletionIndexAnnotation] = text;
            (pod.Metadata.Labels ??= [])[Job.CompletionIndexAnnotation] = text;
            if (spec.BackoffLimitPerIndex is not null)
            {
                pod.Metadata.Annotations[JobPods.IndexFailureCountAnnotation] = indexFailures.ToString(CultureInfo.InvariantCulture);
            }
            pod.Metadata.GenerateName = PodTemplates.Prefix($"{job.Metadata.Name}-{text}");
            var podSpec = pod.Spec ??= new PodSpec();
            if (string.IsNullOrEmpty(podSpec.Hostname))
            {
                podSpec.Hostname = $"{job.Metadata.Name}-{text}";
            }
            foreach (var container in (podSpec.Containers ?? []).Concat(podSpec.InitContainers ?? []))
            {
                var env = container.Env ??= [];
                if (!env.Any(e => e.Name == "JOB_COMPLETION_INDEX"))
                {
                    env.Add(new EnvVar
                    {
                        Name = "JOB_COMPLETION_INDEX",
                        ValueFrom = new EnvVarSource { FieldRef = new ObjectFieldSelector { ApiVersion = "v1", FieldPath = $"metadata.annotations['{Job.CompletionIndexAnnotation}']" } },
                    });
                }
            }
        }
        Pod created;
        try
        {
            created = await _client.CreateAsync(pod, ct);
        }
        catch (KubeApiException e) when (NamespaceTermination.Is(e))
        {
            return;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            _events.Record(job, EventRecorder.Warning, "FailedCreate", $"Error creating: {e.Message}");
            throw;
        }
        _events.Record(job, EventRecorder.Normal, "SuccessfulCreate", $"Created pod: {created.Metadata.Name}");
    }

    private async Task DeletePodsAsync(Job job, string key, List<Pod> pods, CancellationToken ct)
    {
        if (pods.Count == 0)
        {
            return;
        }
        _expectations.ExpectDeletions(key, pods.Select(PodState.Key));
        foreach (var pod in pods)
        {
            var name = pod.Metadata.Name ?? "";
            try
            {
                await _client.DeleteAsync<Pod>(pod.Metadata.Namespace, name, new DeleteOptions { Preconditions = new Preconditions { Uid = pod.Metadata.Uid } }, ct);
                _events.Record(job, EventRecorder.Normal, "SuccessfulDelete", $"Deleted pod: {name}");
            }
            catch (KubeApiException e) when (e.IsNotFound || e.IsConflict)
            {
                _expectations.DeletionObserved(key, PodState.Key(pod));
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                _expectations.DeletionObserved(key, PodState.Key(pod));
                _events.Record(job, EventRecorder.Warning, "FailedDelete", $"Error deleting: {e.Message}");
                throw;
            }
        }
    }

    private async Task RemoveFinalizersAsync(string key, List<Pod> pods, CancellationToken ct)
    {
        if (pods.Count == 0)
        {
            return;
        }
        var removed = _finalizersRemoved.GetOrAdd(key, _ => new ConcurrentDictionary<string, bool>(StringComparer.Ordinal));
        var failures = new List<Exception>();
        await Parallel.ForEachAsync(pods, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (pod, c) =>
        {
            try
            {
                try
                {
                    await PatchFinalizersAsync(pod, c);
                }
                catch (KubeApiException e) when (e.IsConflict)
                {
                    // The agent updated the pod meanwhile: once more on a fresh read (the same pod, still holding the finalizer).
                    var fresh = await _client.Resource<Pod>().TryGetAsync(pod.Metadata.Namespace, pod.Metadata.Name ?? "", c);
                    if (fresh is not null && fresh.Metadata.Uid == pod.Metadata.Uid && JobPods.HasTrackingFinalizer(fresh))
                    {
                        await PatchFinalizersAsync(fresh, c);
                    }
                }
                removed[pod.Metadata.Uid ?? ""] = true;
            }
            catch (KubeApiException e) when (e.IsNotFound)
            {
                removed[pod.Metadata.Uid ?? ""] = true;
            }
            catch (Exception e) when (e is not OperationCanceledException || !c.IsCancellationRequested)
            {
                lock (failures)
                {
                    failures.Add(e);
                }
            }
        });
        if (failures.Count > 0)
        {
            throw new AggregateException($"removing the {Job.TrackingFinalizer} finalizer from {failures.Count} pods of job {key} failed", failures);
        }
    }

    /// <summary>Removes the tracking finalizer, keeping any other; the resourceVersion makes a stale view fail with 409 instead of dropping someone else's finalizer.</summary>
    private Task<Pod> PatchFinalizersAsync(Pod pod, CancellationToken ct)
    {
        var finalizers = (pod.Metadata.Finalizers ?? []).Where(f => f != Job.TrackingFinalizer).ToList();
        var patch = new System.Text.Json.Nodes.JsonObject
        {
            ["metadata"] = new System.Text.Json.Nodes.JsonObject
            {
                ["resourceVersion"] = pod.Metadata.ResourceVersion,
                // null removes the key: an emptied list is left out, as upstream's omitempty does.
                ["finalizers"] = finalizers.Count == 0 ? null : new System.Text.Json.Nodes.JsonArray([.. finalizers.Select(f => (System.Text.Json.Nodes.JsonNode?)f)]),
            },
        };
        return _client.Resource<Pod>().PatchAsync(pod.Metadata.Namespace, pod.Metadata.Name ?? "", PatchType.Merge, patch, ct);
    }

    private async Task WriteStatusAsync(string key, Job job, JobStatus next, CancellationToken ct)
    {
        if (Axolotl.Api.Validation.SpecDiff.AreEqual(job.Status, next))
        {
            return;
        }
        var copy = job.DeepCopy();
        copy.Status = next;
        // A conflict means our view is stale: the retry recomputes from a fresh one.
        var written = await _client.Resource<Job>(KnownResources.Jobs).UpdateStatusAsync(copy, ct);
        _written[key] = written;
    }
}
