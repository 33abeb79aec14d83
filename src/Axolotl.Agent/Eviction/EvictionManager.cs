using Axolotl.Agent.Logs;
using Axolotl.Agent.Pods;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Client.Events;
using Axolotl.Hosting;
using Axolotl.Images;
using Axolotl.Runtime;
using Microsoft.Extensions.Logging;

namespace Axolotl.Agent.Eviction;

/// <summary>
/// Node-pressure eviction, as the kubelet's eviction manager: every monitoring interval (and at once
/// when the pods cgroup crosses the memory threshold, <see cref="MemoryThresholdNotifier"/>) the
/// signals are observed, the <see cref="EvictionTracker"/> decides the node conditions and what to
/// reclaim, disk pressure first tries image garbage collection, and then at most one pod is evicted,
/// ranked by <see cref="EvictionRanking"/>; the next round waits until it is gone. Under pressure it
/// also refuses new pods as the kubelet's admit handler does (BestEffort under memory pressure,
/// everything under disk or PID pressure), critical pods excepted.
/// </summary>
public sealed partial class EvictionManager : IPodAdmitter, IDisposable
{
    private static readonly TimeSpan PodCleanupTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan NotifierRefreshInterval = TimeSpan.FromSeconds(10);

    private readonly EvictionTracker _tracker;
    private readonly NodeSignals _signals;
    private readonly Func<IEnumerable<PodWorker>> _pods;
    private readonly IContainerRuntime _runtime;
    private readonly LogPaths _paths;
    private readonly Func<int> _reclaimImages;
    private readonly EventRecorder _events;
    private readonly ObjectReference _nodeRef;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly SemaphoreSlim _sync = new(1, 1);
    private readonly SemaphoreSlim _wake = new(0, 1);
    private MemoryThresholdNotifier? _notifier;
    private DateTimeOffset _notifierUpdated;
    private long _allocatableLimit;
    private bool _limitApplied;
    private volatile IReadOnlyList<string> _conditions = [];

    public EvictionManager(EvictionConfig config, NodeSignals signals, Func<IEnumerable<PodWorker>> pods, IContainerRuntime runtime, LogPaths paths,
        Func<int> reclaimImages, EventRecorder events, string nodeName, TimeProvider time, ILogger log)
    {
        _tracker = new EvictionTracker(config);
        _signals = signals;
        _pods = pods;
        _runtime = runtime;
        _paths = paths;
        _reclaimImages = reclaimImages;
        _events = events;
        // As the kubelet's nodeRef: the node's name stands for its UID.
        _nodeRef = new ObjectReference { Kind = "Node", Name = nodeName, Uid = nodeName };
        _time = time;
        _log = log;
    }

    /// <summary>The pressure conditions that are True now.</summary>
    public IReadOnlyList<string> Conditions => _conditions;

    /// <summary>Called when the pressure conditions change, so the Node's status is written at once.</summary>
    public Func<CancellationToken, Task>? ConditionsChanged { get; set; }

    /// <summary>Limits the pods cgroup to capacity − reserved (node allocatable enforcement); retried each round while usage is above it.</summary>
    public void EnforceAllocatable()
    {
        if (_signals.Pods is not { } pods || _limitApplied)
        {
            return;
        }
        _allocatableLimit = NodeAllocatable.PodsMemoryLimit(_signals.MemoryCapacityBytes, _tracker.Config);
        _limitApplied = pods.EnsureLimit(_allocatableLimit);
        if (_limitApplied)
        {
            _events.Record(_nodeRef, EventRecorder.Normal, "NodeAllocatableEnforced", "Updated Node Allocatable limit across pods");
        }
        else
        {
            _events.Record(_nodeRef, EventRecorder.Warning, "FailedNodeAllocatableEnforcement", $"Failed to update Node Allocatable Limits \"{pods.Name}\"");
        }
    }

    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var evicted = await SynchronizeAsync(ct);
                if (evicted)
                {
                    // Right away again: the next pod only if the first did not relieve the node.
                    continue;
                }
                using var tick = Deadline.After(_tracker.Config.MonitoringInterval, _time, ct);
                try
                {
                    await _wake.WaitAsync(tick.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Log.SyncFailed(_log, e);
                await Task.Delay(_tracker.Config.MonitoringInterval, _time, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>One round (upstream synchronize); true when a pod was evicted.</summary>
    public async Task<bool> SynchronizeAsync(CancellationToken ct)
    {
        await _sync.WaitAsync(ct);
        try
        {
            EnforceAllocatable();
            var now = _time.GetUtcNow();
            var observations = _signals.Observe(now);
            RefreshNotifier(observations, now);
            var decision = _tracker.Observe(observations, now);
            if (!decision.Conditions.SequenceEqual(_conditions))
            {
                RecordConditionChanges(_conditions, decision.Conditions);
                _conditions = decision.Conditions;
                if (ConditionsChanged is { } changed)
                {
                    await changed(ct);
                }
            }
            if (decision.ToReclaim.Count == 0)
            {
                return false;
            }
            var threshold = decision.ToReclaim[0];
            var resource = EvictionSignals.Resource(threshold.Signal);
            Log.Reclaiming(_log, resource);
            _events.Record(_nodeRef, EventRecorder.Warning, "EvictionThresholdMet", $"Attempting to reclaim {resource}");
            if (!EvictionSignals.IsMemory(threshold.Signal) && threshold.Signal != EvictionSignals.PidAvailable && ReclaimImages())
            {
                return false;
            }
            return await EvictOneAsync(threshold, decision, ct);
        }
        finally
        {
            _sync.Release();
        }
    }

    /// <summary>Disk pressure: unused images go first; true when that was enough (minimum reclaim included).</summary>
    private bool ReclaimImages()
    {
        var removed = _reclaimImages();
        if (removed == 0)
        {
            return false;
        }
        var again = _signals.Observe(_time.GetUtcNow());
        return !_tracker.StillMet(again);
    }

    private async Task<bool> EvictOneAsync(Threshold threshold, EvictionDecision decision, CancellationToken ct)
    {
        var active = _pods().Where(w => w.IsActive).ToList();
        if (active.Count == 0)
        {
            Log.NothingToEvict(_log);
            return false;
        }
        var usage = new List<(Pod Pod, PodUsage? Usage)>();
        var byPod = new Dictionary<Pod, PodWorker>(ReferenceEqualityComparer.Instance);
        foreach (var worker in active)
        {
            var pod = worker.Latest;
            byPod[pod] = worker;
            usage.Add((pod, await UsageOfAsync(worker, measureDisk: !EvictionSignals.IsMemory(threshold.Signal), ct)));
        }
        foreach (var (pod, podUsage) in EvictionRanking.Rank(threshold.Signal, usage))
        {
            if (PodResources.IsCritical(pod))
            {
                continue;
            }
            var message = EvictionMessages.Evicted(EvictionSignals.Resource(threshold.Signal), pod, podUsage, decision.ToReclaim, decision.Observations);
            var grace = threshold.IsHard ? TimeSpan.FromSeconds(1) : SoftGrace(pod);
            Log.Evicting(_log, pod.Metadata.Namespace, pod.Metadata.Name, message);
            var done = byPod[pod].EvictAsync(message, grace);
            using var timeout = Deadline.After(PodCleanupTimeout, _time, ct);
            try
            {
                await done.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                Log.CleanupTimedOut(_log, pod.Metadata.Namespace, pod.Metadata.Name);
            }
            return true;
        }
        Log.NothingToEvict(_log);
        return false;
    }

    private TimeSpan SoftGrace(Pod pod)
    {
        var own = TimeSpan.FromSeconds(pod.Spec?.TerminationGracePeriodSeconds ?? 30);
        var max = _tracker.Config.MaxPodGracePeriod;
        return max > TimeSpan.Zero && max < own ? max : own;
    }

    /// <summary>The pod's memory (its containers' working sets), disk (writable layers, logs, volumes) and processes.</summary>
    private async Task<PodUsage?> UsageOfAsync(PodWorker worker, bool measureDisk, CancellationToken ct)
    {
        var containers = new List<ContainerUsage>();
        var processes = 0;
        var containerBytes = 0L;
        var containerInodes = 0L;
        foreach (var (name, handle) in worker.Live)
        {
            ContainerStats? stats;
            try
            {
                stats = await _runtime.StatsAsync(handle, ct);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException)
            {
                stats = null;
            }
            // Walking the files costs; memory pressure does not need it.
            var dir = measureDisk ? DiskUsage.Of(_paths.ContainerDirectory(worker.Uid, name)) : default;
            containers.Add(new ContainerUsage(name, stats?.MemoryWorkingSetBytes ?? 0, dir.Bytes - dir.LogBytes, dir.LogBytes, dir.Inodes));
            containerBytes += dir.Bytes;
            containerInodes += dir.Inodes;
            if (handle.Pid > 0)
            {
                processes += OomScore.Descendants(handle.Pid).Count;
            }
        }
        if (containers.Count == 0)
        {
            return null;
        }
        var pod = measureDisk ? DiskUsage.Of(_paths.PodDirectory(worker.Uid)) : default;
        return new PodUsage(containers, Math.Max(0, pod.Bytes - containerBytes), Math.Max(0, pod.Inodes - containerInodes), processes);
    }

    /// <summary>Keeps the kernel's threshold at limit − threshold + inactive file pages of the pods cgroup (upstream UpdateThreshold).</summary>
    private void RefreshNotifier(IReadOnlyDictionary<string, SignalObservation> observations, DateTimeOffset now)
    {
        if (now - _notifierUpdated < NotifierRefreshInterval || _signals.Pods is not { UsageFile: { } usageFile } pods
            || !observations.TryGetValue(EvictionSignals.AllocatableMemoryAvailable, out var observed) || pods.ReadMemory() is not { } memory)
        {
            return;
        }
        var threshold = _tracker.Config.Thresholds.FirstOrDefault(t => t.Signal == EvictionSignals.AllocatableMemoryAvailable);
        if (threshold is null)
        {
            return;
        }
        _notifierUpdated = now;
        var capacity = observed.Capacity.Value();
        var value = capacity - threshold.Value.Resolve(observed.Capacity).Value() + (memory.Usage - memory.WorkingSet);
        if (_notifier?.ThresholdBytes == value)
        {
            return;
        }
        _notifier?.Dispose();
        _notifier = MemoryThresholdNotifier.TryCreate(usageFile, value, Wake);
    }

    /// <summary>Runs a round now (the memory threshold was crossed).</summary>
    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // A round is already due.
        }
        catch (ObjectDisposedException)
        {
            // Stopping: no more rounds.
        }
    }

    /// <summary>Upstream Admit: nothing is refused without pressure; only memory pressure lets all but BestEffort pods (and those tolerating it) in.</summary>
    public PodRejection? Admit(Pod pod) => AdmitUnder(_conditions, pod);

    /// <summary>The admission decision for a set of True pressure conditions.</summary>
    public static PodRejection? AdmitUnder(IReadOnlyList<string> conditions, Pod pod)
    {
        if (conditions.Count == 0 || PodResources.IsCritical(pod))
        {
            return null;
        }
        if (conditions is [EvictionSignals.MemoryPressure])
        {
            if (PodResources.QosClass(pod) != "BestEffort" || ToleratesMemoryPressure(pod))
            {
                return null;
            }
        }
        return new PodRejection(EvictionMessages.Reason, EvictionMessages.NodeHadCondition(conditions));
    }

    private static bool ToleratesMemoryPressure(Pod pod) =>
        (pod.Spec?.Tolerations ?? []).Any(t =>
            (string.IsNullOrEmpty(t.Effect) || t.Effect == "NoSchedule")
            && ((t.Operator == "Exists" && string.IsNullOrEmpty(t.Key)) || (t.Key == WellKnown.TaintNodeMemoryPressure && (t.Operator == "Exists" || string.IsNullOrEmpty(t.Value)))));

    /// <summary>The kubelet's node events when a pressure condition flips (NodeHasInsufficientMemory …).</summary>
    private void RecordConditionChanges(IReadOnlyList<string> before, IReadOnlyList<string> after)
    {
        foreach (var (condition, on, off) in (ReadOnlySpan<(string, string, string)>)
        [
            (EvictionSignals.MemoryPressure, "NodeHasInsufficientMemory", "NodeHasSufficientMemory"),
            (EvictionSignals.DiskPressure, "NodeHasDiskPressure", "NodeHasNoDiskPressure"),
            (EvictionSignals.PidPressure, "NodeHasInsufficientPID", "NodeHasSufficientPID"),
        ])
        {
            var was = before.Contains(condition);
            var now = after.Contains(condition);
            if (was != now)
            {
                var reason = now ? on : off;
                _events.Record(_nodeRef, EventRecorder.Normal, reason, $"Node {_nodeRef.Name} status is now: {reason}");
            }
        }
    }

    public void Dispose()
    {
        _notifier?.Dispose();
        _sync.Dispose();
        _wake.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "eviction manager: attempting to reclaim {Resource}")]
        public static partial void Reclaiming(ILogger logger, string resource);

        [LoggerMessage(Level = LogLevel.Warning, Message = "eviction manager: evicting pod {Namespace}/{Name}: {Message}")]
        public static partial void Evicting(ILogger logger, string? @namespace, string? name, string message);

        [LoggerMessage(Level = LogLevel.Warning, Message = "eviction manager: timed out waiting for pod {Namespace}/{Name} to be cleaned up")]
        public static partial void CleanupTimedOut(ILogger logger, string? @namespace, string? name);

        [LoggerMessage(Level = LogLevel.Warning, Message = "eviction manager: unable to evict any pods from the node")]
        public static partial void NothingToEvict(ILogger logger);

        [LoggerMessage(Level = LogLevel.Error, Message = "eviction manager: failed to synchronize")]
        public static partial void SyncFailed(ILogger logger, Exception exception);
    }
}
