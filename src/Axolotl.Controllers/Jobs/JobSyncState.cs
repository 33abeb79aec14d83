using System.Collections.Concurrent;
using Axolotl.Api.Batch;
using Axolotl.Api.Core;
using Axolotl.Client;
using Axolotl.Client.Events;

namespace Axolotl.Controllers.Jobs;

/// <summary>
/// One sync of one Job: its pods classified, the counters and index sets being brought up to date,
/// and the status the sync will write. Pure: no I/O, so the counting rules are tested directly.
/// </summary>
internal sealed class JobSyncState
{
    private readonly JobSpec _spec;
    private readonly List<Pod> _pods;
    private readonly DateTimeOffset _now;
    private readonly HashSet<string> _uncountedSucceeded;
    private readonly HashSet<string> _uncountedFailed;
    private readonly int _completions;
    private (string Reason, string Message)? _policyFailure;
    private (string Reason, string Message)? _failure;
    private bool _suspendedNow;
    private bool _resumedNow;

    public JobSyncState(Job job, List<Pod> pods, DateTimeOffset now)
    {
        _spec = job.Spec ?? new JobSpec();
        _pods = pods;
        _now = now;
        Status = job.Status?.DeepCopy() ?? new JobStatus();
        Indexed = _spec.CompletionMode == "Indexed";
        _completions = _spec.Completions ?? 0;
        _uncountedSucceeded = [.. Status.UncountedTerminatedPods?.Succeeded ?? []];
        _uncountedFailed = [.. Status.UncountedTerminatedPods?.Failed ?? []];
        Active = pods.Where(JobPods.IsActive).ToList();
        Terminating = pods.Where(JobPods.IsTerminating).ToList();
        CompletedIndexes = Indexed ? IndexSet.Parse(Status.CompletedIndexes, _completions) : [];
        FailedIndexes = Indexed ? IndexSet.Parse(Status.FailedIndexes, _completions) : [];
        Succeeded = Status.Succeeded ?? 0;
        Failed = Status.Failed ?? 0;
    }

    public JobStatus Status { get; }

    public bool Indexed { get; }

    public List<Pod> Active { get; }

    public List<Pod> Terminating { get; }

    public SortedSet<int> CompletedIndexes { get; }

    public SortedSet<int> FailedIndexes { get; }

    public int Succeeded { get; private set; }

    public int Failed { get; private set; }

    public int SucceededTotal => Succeeded + _uncountedSucceeded.Count;

    public int FailedTotal => Failed + _uncountedFailed.Count;

    /// <summary>FailureTarget or SuccessCriteriaMet once the job's outcome is decided.</summary>
    public string? FinishingReason { get; private set; }

    public bool WantsMorePods => IndexesToCreate().Any();

    /// <summary>Pods this sync created: active from now on (upstream counts them in the same status write).</summary>
    public int Created { get; set; }

    /// <summary>
    /// Moves uncounted pods whose finalizer is gone to the counters and records newly finished pods as
    /// uncounted. Returns the pods whose finalizer may go once the status is written.
    /// </summary>
    public List<Pod> Count(ConcurrentDictionary<string, bool> finalizersRemoved, out List<DateTimeOffset> newFailures, out DateTimeOffset? newSuccess)
    {
        newFailures = [];
        newSuccess = null;
        var byUid = _pods.Where(p => p.Metadata.Uid is not null).ToDictionary(p => p.Metadata.Uid!, StringComparer.Ordinal);
        bool Released(string uid) => !byUid.TryGetValue(uid, out var pod) || !JobPods.HasTrackingFinalizer(pod) || finalizersRemoved.ContainsKey(uid);
        foreach (var uid in _uncountedSucceeded.Where(Released).ToList())
        {
            _uncountedSucceeded.Remove(uid);
            Succeeded++;
        }
        foreach (var uid in _uncountedFailed.Where(Released).ToList())
        {
            _uncountedFailed.Remove(uid);
            Failed++;
        }

        var finishing = JobConditions.IsTrue(Status, JobConditions.FailureTarget) || JobConditions.IsTrue(Status, JobConditions.SuccessCriteriaMet);
        var release = new List<Pod>();
        foreach (var pod in _pods)
        {
            var uid = pod.Metadata.Uid ?? "";
            if (!JobPods.HasTrackingFinalizer(pod) || finalizersRemoved.ContainsKey(uid))
            {
                continue;
            }
            if (_uncountedSucceeded.Contains(uid) || _uncountedFailed.Contains(uid))
            {
                // Already written down: only the finalizer removal is left (an earlier attempt failed).
                release.Add(pod);
                continue;
            }
            var index = Indexed ? JobPods.CompletionIndex(pod) : JobPods.UnknownIndex;
            var validIndex = !Indexed || (index >= 0 && index < _completions);
            if (pod.Status?.Phase == "Succeeded")
            {
                if (!Indexed || (validIndex && CompletedIndexes.Add(index)))
                {
                    _uncountedSucceeded.Add(uid);
                    var end = JobPods.FinishTime(pod, _now);
                    newSuccess = newSuccess is { } s && s > end ? s : end;
                }
                release.Add(pod);
                continue;
            }
            if (!JobPods.IsFailed(pod, _spec) && !(finishing && pod.Metadata.DeletionTimestamp is not null))
            {
                continue;
            }
            var match = PodFailurePolicies.Evaluate(_spec.PodFailurePolicy, pod);
            release.Add(pod);
            if (match?.Action == "Ignore")
            {
                continue;
            }
            if (match?.Action == "FailJob")
            {
                _policyFailure ??= (JobConditions.PodFailurePolicy, match.Value.Message);
            }
            if (Indexed && validIndex && _spec.BackoffLimitPerIndex is { } perIndex &&
                (match?.Action == "FailIndex" || JobPods.IndexFailureCount(pod) + 1 > perIndex))
            {
                FailedIndexes.Add(index);
            }
            if (validIndex)
            {
                _uncountedFailed.Add(uid);
                newFailures.Add(JobPods.FinishTime(pod, _now));
            }
        }
        return release;
    }

    /// <summary>Decides the job's outcome if it is not decided yet; returns when to look again (the active deadline).</summary>
    public TimeSpan? Decide(int restarts)
    {
        var suspended = _spec.Suspend == true;
        if (suspended)
        {
            _suspendedNow = JobConditions.Set(Status, JobConditions.Suspended, "True", "JobSuspended", "Job suspended", _now);
        }
        else if (JobConditions.IsTrue(Status, JobConditions.Suspended))
        {
            _resumedNow = JobConditions.Set(Status, JobConditions.Suspended, "False", "JobResumed", "Job resumed", _now);
            // The deadline counts from the resume.
            Status.StartTime = _now;
        }
        if (!suspended && Status.StartTime is null)
        {
            Status.StartTime = _now;
        }

        if (JobConditions.IsTrue(Status, JobConditions.FailureTarget))
        {
            var target = JobConditions.Find(Status, JobConditions.FailureTarget)!;
            _failure = (target.Reason ?? "", target.Message ?? "");
            FinishingReason = JobConditions.FailureTarget;
            return null;
        }
        if (JobConditions.IsTrue(Status, JobConditions.SuccessCriteriaMet))
        {
            FinishingReason = JobConditions.SuccessCriteriaMet;
            return null;
        }

        var backoffLimit = _spec.BackoffLimit ?? 6;
        var onFailureExceeded = _spec.Template.Spec.RestartPolicy == "OnFailure" &&
            (backoffLimit == 0 ? restarts > 0 : restarts >= backoffLimit);
        TimeSpan? requeue = null;
        if (_policyFailure is { } policy)
        {
            _failure = policy;
        }
        else if (FailedTotal > backoffLimit || onFailureExceeded)
        {
            _failure = (JobConditions.BackoffLimitExceeded, JobConditions.BackoffLimitExceededMessage);
        }
        else if (!suspended && _spec.ActiveDeadlineSeconds is { } deadline && Status.StartTime is { } start)
        {
            var end = start.AddSeconds(deadline);
            if (_now >= end)
            {
                _failure = (JobConditions.DeadlineExceeded, JobConditions.DeadlineExceededMessage);
            }
            else
            {
                requeue = end - _now;
            }
        }
        if (_failure is null && Indexed && _spec.BackoffLimitPerIndex is not null)
        {
            if (_spec.MaxFailedIndexes is { } maxFailed && FailedIndexes.Count > maxFailed)
            {
                _failure = (JobConditions.MaxFailedIndexesExceeded, JobConditions.MaxFailedIndexesExceededMessage);
            }
            else if (FailedIndexes.Count > 0 && CompletedIndexes.Count + FailedIndexes.Count >= _completions)
            {
                _failure = (JobConditions.FailedIndexes, JobConditions.FailedIndexesMessage);
            }
        }
        if (_failure is { } failure)
        {
            JobConditions.Set(Status, JobConditions.FailureTarget, "True", failure.Reason, failure.Message, _now);
            FinishingReason = JobConditions.FailureTarget;
            return null;
        }
        if (Indexed && SuccessPolicyMatch() is { } rule)
        {
            JobConditions.Set(Status, JobConditions.SuccessCriteriaMet, "True", JobConditions.SuccessPolicy, $"Matched rules at index {rule}", _now);
            FinishingReason = JobConditions.SuccessCriteriaMet;
            return null;
        }
        var complete = Indexed
            ? CompletedIndexes.Count >= _completions
            : _spec.Completions is { } completions ? SucceededTotal >= completions : SucceededTotal > 0 && Active.Count == 0;
        if (complete)
        {
            JobConditions.Set(Status, JobConditions.SuccessCriteriaMet, "True", JobConditions.CompletionsReached, JobConditions.CompletionsReachedMessage, _now);
            FinishingReason = JobConditions.SuccessCriteriaMet;
            return null;
        }
        return requeue;
    }

    /// <summary>The first successPolicy rule the completed indexes satisfy (upstream matchSuccessPolicy), or null.</summary>
    private int? SuccessPolicyMatch()
    {
        var rules = _spec.SuccessPolicy?.Rules ?? [];
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            if (rule.SucceededIndexes is { } text)
            {
                var wanted = IndexSet.Parse(text, _completions);
                var done = wanted.Count(CompletedIndexes.Contains);
                if (rule.SucceededCount is { } count ? done >= count : done == wanted.Count && wanted.Count > 0)
                {
                    return i;
                }
            }
            else if (rule.SucceededCount is { } count && CompletedIndexes.Count >= count)
            {
                return i;
            }
        }
        return null;
    }

    private int WantActive()
    {
        var parallelism = _spec.Parallelism ?? 1;
        if (Indexed)
        {
            return Math.Max(0, Math.Min(parallelism, _completions - CompletedIndexes.Count - FailedIndexes.Count));
        }
        if (_spec.Completions is not { } completions)
        {
            // A work queue: once one pod succeeded, let the others finish and start no more.
            return SucceededTotal > 0 ? Active.Count : parallelism;
        }
        return Math.Max(0, Math.Min(parallelism, completions - SucceededTotal));
    }

    /// <summary>The completion indexes to start pods for (<see cref="JobPods.UnknownIndex"/> for each pod of a NonIndexed job).</summary>
    public IEnumerable<int> IndexesToCreate()
    {
        if (_spec.Suspend == true || FinishingReason is not null)
        {
            return [];
        }
        var replaceOnlyFailed = _spec.PodReplacementPolicy == "Failed";
        var occupied = Active.Count + (replaceOnlyFailed ? Terminating.Count : 0);
        var missing = WantActive() - occupied;
        if (missing <= 0)
        {
            return [];
        }
        if (!Indexed)
        {
            return Enumerable.Repeat(JobPods.UnknownIndex, missing);
        }
        var busy = Active.Concat(replaceOnlyFailed ? Terminating : []).Select(JobPods.CompletionIndex).ToHashSet();
        return Enumerable.Range(0, _completions)
            .Where(i => !CompletedIndexes.Contains(i) && !FailedIndexes.Contains(i) && !busy.Contains(i))
            .Take(missing)
            .ToList();
    }

    /// <summary>Active pods the job no longer wants: beyond parallelism, or (Indexed) for a done, failed, unknown or doubled index.</summary>
    public List<Pod> Surplus()
    {
        var surplus = new List<Pod>();
        var keep = Active;
        if (Indexed)
        {
            keep = [];
            foreach (var group in Active.GroupBy(JobPods.CompletionIndex))
            {
                var index = group.Key;
                var ordered = group.OrderBy(p => p.Metadata.CreationTimestamp).ToList();
                if (index < 0 || index >= _completions || CompletedIndexes.Contains(index) || FailedIndexes.Contains(index))
                {
                    surplus.AddRange(ordered);
                    continue;
                }
                keep.Add(ordered[0]);
                surplus.AddRange(ordered.Skip(1));
            }
        }
        var extra = keep.Count - WantActive();
        if (extra > 0)
        {
            // Not ready first, then the newest: they lose the least work.
            surplus.AddRange(keep.OrderBy(JobPods.IsReady).ThenByDescending(p => p.Metadata.CreationTimestamp)
                .ThenByDescending(JobPods.CompletionIndex).Take(extra));
        }
        return surplus;
    }

    /// <summary>How many times the index already failed (for backoffLimitPerIndex).</summary>
    public int IndexFailureCount(int index)
    {
        if (index == JobPods.UnknownIndex)
        {
            return 0;
        }
        return _pods.Where(p => JobPods.CompletionIndex(p) == index && p.Status?.Phase == "Failed")
            .Select(p => JobPods.IndexFailureCount(p) + 1).DefaultIfEmpty(0).Max();
    }

    /// <summary>Fills the counters and, once nothing runs any more, the terminal condition. Returns the events to record.</summary>
    public List<(string Type, string Reason, string Message)> FinishStatus()
    {
        var events = new List<(string, string, string)>();
        if (_suspendedNow)
        {
            events.Add((EventRecorder.Normal, "Suspended", "Job suspended"));
        }
        if (_resumedNow)
        {
            events.Add((EventRecorder.Normal, "Resumed", "Job resumed"));
        }
        var activeNow = FinishingReason is null && _spec.Suspend != true ? Active : [];
        var active = activeNow.Count + Created;
        Status.Active = active == 0 ? null : active;
        Status.Ready = activeNow.Count(JobPods.IsReady);
        Status.Terminating = Terminating.Count + (activeNow.Count == Active.Count ? 0 : Active.Count);
        Status.Succeeded = Succeeded == 0 ? null : Succeeded;
        Status.Failed = Failed == 0 ? null : Failed;
        Status.UncountedTerminatedPods = new UncountedTerminatedPods
        {
            Succeeded = _uncountedSucceeded.Count == 0 ? null : [.. _uncountedSucceeded.Order(StringComparer.Ordinal)],
            Failed = _uncountedFailed.Count == 0 ? null : [.. _uncountedFailed.Order(StringComparer.Ordinal)],
        };
        if (Indexed)
        {
            Status.CompletedIndexes = CompletedIndexes.Count == 0 ? null : IndexSet.Format(CompletedIndexes);
            if (_spec.BackoffLimitPerIndex is not null)
            {
                Status.FailedIndexes = IndexSet.Format(FailedIndexes);
            }
        }
        var settled = Active.Count == 0 && Terminating.Count == 0 && _uncountedSucceeded.Count == 0 && _uncountedFailed.Count == 0;
        if (FinishingReason is null || !settled)
        {
            return events;
        }
        if (FinishingReason == JobConditions.FailureTarget && _failure is { } failure)
        {
            JobConditions.Set(Status, JobConditions.Failed, "True", failure.Reason, failure.Message, _now);
            events.Add((EventRecorder.Warning, failure.Reason, failure.Message));
        }
        else if (FinishingReason == JobConditions.SuccessCriteriaMet)
        {
            // Complete repeats why success was reached: all completions, or a successPolicy rule.
            var met = JobConditions.Find(Status, JobConditions.SuccessCriteriaMet);
            JobConditions.Set(Status, JobConditions.Complete, "True", met?.Reason ?? JobConditions.CompletionsReached, met?.Message ?? JobConditions.CompletionsReachedMessage, _now);
            Status.CompletionTime = _now;
            events.Add((EventRecorder.Normal, "Completed", "Job completed"));
        }
        return events;
    }
}
