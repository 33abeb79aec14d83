using Microsoft.Extensions.Logging;

namespace Axolotl.Agent.Pods;

/// <summary>
/// One serialised lane per pod UID: at most one sync runs for a pod, and triggers that arrive while
/// it runs collapse into a single pending sync that starts as soon as it ends (the kubelet's pod
/// workers). Different pods sync concurrently. A failing sync is logged and does not stop the lane.
/// </summary>
public sealed class PodLanes(Func<string, CancellationToken, Task> sync, ILogger log, CancellationToken stopping)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Lane> _lanes = new(StringComparer.Ordinal);

    /// <summary>Asks for a sync of <paramref name="uid"/>: starts one now, or marks one pending behind the running one.</summary>
    public void Trigger(string uid)
    {
        if (stopping.IsCancellationRequested)
        {
            return;
        }
        lock (_lock)
        {
            if (!_lanes.TryGetValue(uid, out var lane))
            {
                lane = new Lane();
                _lanes[uid] = lane;
            }
            if (lane.Running)
            {
                lane.Pending = true;
                return;
            }
            lane.Running = true;
            lane.Idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _ = Task.Run(() => RunAsync(uid, lane), CancellationToken.None);
        }
    }

    /// <summary>Completes when no sync of <paramref name="uid"/> runs or is pending.</summary>
    public Task WhenIdleAsync(string uid)
    {
        lock (_lock)
        {
            return _lanes.TryGetValue(uid, out var lane) && lane.Running ? lane.Idle.Task : Task.CompletedTask;
        }
    }

    /// <summary>Completes when no pod has a sync running or pending.</summary>
    public Task WhenAllIdleAsync()
    {
        lock (_lock)
        {
            return Task.WhenAll(_lanes.Values.Where(l => l.Running).Select(l => l.Idle.Task).ToList());
        }
    }

    /// <summary>Forgets an idle lane (pod gone); a later trigger makes a fresh one.</summary>
    public void Remove(string uid)
    {
        lock (_lock)
        {
            if (_lanes.TryGetValue(uid, out var lane) && !lane.Running)
            {
                _lanes.Remove(uid);
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _lanes.Count;
            }
        }
    }

    private async Task RunAsync(string uid, Lane lane)
    {
        while (true)
        {
            try
            {
                await sync(uid, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                log.LogError(ex, "sync of pod {Uid} failed", uid);
            }
            lock (_lock)
            {
                if (!lane.Pending || stopping.IsCancellationRequested)
                {
                    lane.Running = false;
                    lane.Pending = false;
                    lane.Idle.TrySetResult();
                    return;
                }
                lane.Pending = false;
            }
        }
    }

    private sealed class Lane
    {
        public bool Running;
        public bool Pending;
        public TaskCompletionSource Idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
