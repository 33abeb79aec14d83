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

    /// <summary>A pod assumed on a node whose binding the informer has not confirmed by then stops counting there.</summary>
    public TimeSpan AssumeTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Binding requests in flight at once; the scheduling cycle goes on while they are answered.</summary>
    public int MaxParallelBindings { get; init; } = 16;
}
