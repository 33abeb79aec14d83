using Axolotl.Api.Meta;

namespace Axolotl.Agent.Restart;

/// <summary>
/// Decides when an exited container comes back (kubelet's <c>doBackOff</c>): the first restart is
/// immediate, each further one waits Initial, 2×Initial, … up to Max, counted from the exit's
/// FinishedAt. A container that ran at least ResetAfter, or whose previous exit lies more than
/// ResetAfter back, starts the curve over. Pure state keyed by (pod UID, container name); safe to
/// call from concurrent pod workers; reporting the same exit twice gives the same decision.
/// </summary>
public sealed class RestartTracker
{
    private readonly Dictionary<(string PodUid, string Container), Entry> _entries = [];
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;

    public RestartTracker(RestartBackoffOptions options, TimeProvider time)
    {
        Options = options.Validate();
        _time = time;
    }

    public RestartBackoffOptions Options { get; }

    /// <summary>Records an exit and says whether and when the container starts again.</summary>
    public RestartDecision OnExit(
        string podUid,
        string containerName,
        string? restartPolicy,
        int exitCode,
        DateTimeOffset startedAt,
        DateTimeOffset finishedAt,
        bool isInitContainer = false)
    {
        if (!RestartPolicies.ShouldRestart(restartPolicy, exitCode, isInitContainer))
        {
            return RestartDecision.Never;
        }

        var key = (podUid, containerName);
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var entry) && entry.LastExit == finishedAt)
            {
                return Refresh(entry.LastDecision);
            }

            var ran = finishedAt - startedAt;
            var fresh = entry is null || ran >= Options.ResetAfter || finishedAt - entry.LastExit > Options.ResetAfter;
            RestartDecision decision;
            if (fresh)
            {
                decision = new RestartDecision(RestartAction.RestartNow, TimeSpan.Zero, finishedAt);
                entry = new Entry { NextBackoff = Options.Initial };
            }
            else
            {
                var delay = entry!.NextBackoff;
                decision = new RestartDecision(RestartAction.RestartAfterBackoff, delay, finishedAt + delay);
                entry.NextBackoff = Min(delay * 2, Options.Max);
            }

            entry.LastExit = finishedAt;
            entry.LastDecision = decision;
            _entries[key] = entry;
            return Refresh(decision);
        }
    }

    /// <summary>
    /// Whether the container's next exit, whenever it comes, restarts at once (if its policy restarts
    /// it): none was recorded, or the last lies more than ResetAfter back already.
    /// </summary>
    public bool NextExitRestartsAtOnce(string podUid, string containerName)
    {
        lock (_lock)
        {
            return !_entries.TryGetValue((podUid, containerName), out var entry) || _time.GetUtcNow() - entry.LastExit > Options.ResetAfter;
        }
    }

    /// <summary>
    /// What <see cref="OnExit"/> would decide for this exit, without recording it: true when it would
    /// be an immediate restart.
    /// </summary>
    public bool RestartsAtOnce(string podUid, string containerName, string? restartPolicy, int exitCode, DateTimeOffset startedAt, DateTimeOffset finishedAt)
    {
        if (!RestartPolicies.ShouldRestart(restartPolicy, exitCode))
        {
            return false;
        }

        lock (_lock)
        {
            if (!_entries.TryGetValue((podUid, containerName), out var entry))
            {
                return true;
            }

            return entry.LastExit != finishedAt
                && (finishedAt - startedAt >= Options.ResetAfter || finishedAt - entry.LastExit > Options.ResetAfter);
        }
    }

    /// <summary>Time left until <paramref name="decision"/> allows the restart (zero when it may start now).</summary>
    public TimeSpan Remaining(RestartDecision decision)
    {
        if (decision.Action == RestartAction.DoNotRestart || decision.RestartAt is not { } at)
        {
            return TimeSpan.Zero;
        }

        var left = at - _time.GetUtcNow();
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    /// <summary>Whether the container is still waiting out its back-off (reason CrashLoopBackOff), and the delay in force.</summary>
    public bool IsInBackoff(string podUid, string containerName, out TimeSpan backoff, out TimeSpan remaining)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue((podUid, containerName), out var entry) && entry.LastDecision.Action == RestartAction.RestartAfterBackoff)
            {
                remaining = Remaining(entry.LastDecision);
                backoff = entry.LastDecision.Backoff;
                return remaining > TimeSpan.Zero;
            }
        }

        backoff = TimeSpan.Zero;
        remaining = TimeSpan.Zero;
        return false;
    }

    /// <summary>The container's place on its curve, for the pod's checkpoint; null when it has no history.</summary>
    public RestartBackoffState? Snapshot(string podUid, string containerName)
    {
        lock (_lock)
        {
            return _entries.TryGetValue((podUid, containerName), out var entry)
                ? new RestartBackoffState(entry.LastExit, entry.NextBackoff, entry.LastDecision.Action, entry.LastDecision.Backoff, entry.LastDecision.RestartAt)
                : null;
        }
    }

    /// <summary>
    /// Takes a checkpointed curve back (agent restart). History this process recorded itself wins; a
    /// delay beyond <see cref="RestartBackoffOptions.Max"/> (the options changed) is held to it.
    /// </summary>
    public void Restore(string podUid, string containerName, RestartBackoffState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var backoff = Min(state.Backoff, Options.Max);
        var decision = state.Action == RestartAction.RestartAfterBackoff
            ? new RestartDecision(RestartAction.RestartAfterBackoff, backoff, state.LastExit + backoff)
            : new RestartDecision(state.Action, TimeSpan.Zero, state.RestartAt);
        lock (_lock)
        {
            _entries.TryAdd((podUid, containerName), new Entry
            {
                LastExit = state.LastExit,
                NextBackoff = Min(state.NextBackoff < Options.Initial ? Options.Initial : state.NextBackoff, Options.Max),
                LastDecision = decision,
            });
        }
    }

    /// <summary>The decision in force for a container (a restored one included), or null when it has none.</summary>
    public RestartDecision? Pending(string podUid, string containerName)
    {
        lock (_lock)
        {
            return _entries.TryGetValue((podUid, containerName), out var entry) ? Refresh(entry.LastDecision) : null;
        }
    }

    /// <summary>Drops a container's history (spec changed, container removed).</summary>
    public void Forget(string podUid, string containerName)
    {
        lock (_lock)
        {
            _entries.Remove((podUid, containerName));
        }
    }

    /// <summary>Drops every container of a pod (pod deleted).</summary>
    public void ForgetPod(string podUid)
    {
        lock (_lock)
        {
            foreach (var key in _entries.Keys.Where(k => k.PodUid == podUid).ToList())
            {
                _entries.Remove(key);
            }
        }
    }

    /// <summary>Removes histories whose last exit lies more than ResetAfter back: they would start over anyway.</summary>
    public int Prune()
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            var stale = _entries.Where(e => now - e.Value.LastExit > Options.ResetAfter).Select(e => e.Key).ToList();
            foreach (var key in stale)
            {
                _entries.Remove(key);
            }

            return stale.Count;
        }
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>The waiting message of a container in CrashLoopBackOff, worded as the kubelet does.</summary>
    public static string CrashLoopBackOffMessage(TimeSpan backoff, string containerName, string podName, string podNamespace, string podUid) =>
        $"back-off {GoDuration.Format(backoff)} restarting failed container={containerName} pod={podName}_{podNamespace}({podUid})";

    /// <summary>The BackOff event message the kubelet records while a container waits to restart.</summary>
    public static string BackOffEventMessage(string containerName, string podName, string podNamespace, string podUid) =>
        $"Back-off restarting failed container {containerName} in pod {podName}_{podNamespace}({podUid})";

    // A late look at an exit whose back-off already elapsed is a plain restart, as the kubelet's
    // IsInBackOffSince check (now - finishedAt < backoff) would say.
    private RestartDecision Refresh(RestartDecision decision) =>
        decision.Action == RestartAction.RestartAfterBackoff && Remaining(decision) == TimeSpan.Zero
            ? decision with { Action = RestartAction.RestartNow }
            : decision;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private sealed class Entry
    {
        public TimeSpan NextBackoff { get; set; }

        public DateTimeOffset LastExit { get; set; }

        public RestartDecision LastDecision { get; set; } = RestartDecision.Never;
    }
}
