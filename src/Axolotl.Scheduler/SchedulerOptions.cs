namespace Axolotl.Scheduler;

/// <summary>How the scheduler runs. Defaults follow kube-scheduler's.</summary>
public sealed record SchedulerOptions
{
    /// <summary>Pods whose spec.schedulerName is this (or empty) are ours; also the events' source component.</summary>
    public string SchedulerName { get; init; } = "default-scheduler";

    /// <summary>First retry delay of a pod that failed (podInitialBackoffSeconds 1).</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest retry delay (podMaxBackoffSeconds 10).</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>An unschedulable pod is retried after this long even if nothing changed (podMaxInUnschedulablePodsDuration).</summary>
    public TimeSpan MaxUnschedulableDuration { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the unschedulable pods are checked against <see cref="MaxUnschedulableDuration"/>.</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A pod assumed on a node whose finished binding the informer has not confirmed by then stops counting there
    /// and is scheduled again. Zero (the default, as upstream's durationToExpireAssumedPod since kubernetes#106361):
    /// never; the informer's event confirms it or its deletion forgets it. A timeout double-binds pods whenever
    /// the informer lags behind the binding answers by more than it (5 % of 3,000 pods with 30 s on a saturated server).
    /// </summary>
    public TimeSpan AssumeTimeout { get; init; } = TimeSpan.Zero;

    /// <summary>Binding requests in flight at once; the scheduling cycle goes on while they are answered.</summary>
    public int MaxParallelBindings { get; init; } = 16;
}
