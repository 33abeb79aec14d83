namespace Axolotl.Controllers.NodeLifecycle;

/// <summary>Timings of <see cref="NodeLifecycleController"/> (upstream kube-controller-manager flags).</summary>
public sealed record NodeLifecycleOptions
{
    /// <summary>--node-monitor-grace-period: how long a node may go without renewing its Lease (or posting status) before it is Unknown.</summary>
    public TimeSpan NodeMonitorGracePeriod { get; init; } = TimeSpan.FromSeconds(40);

    /// <summary>--node-monitor-period: how often every node is looked at even when nothing changed.</summary>
    public TimeSpan NodeMonitorPeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a pod bound to a node that does not exist is left alone (upstream podgc's quarantine).</summary>
    public TimeSpan OrphanQuarantine { get; init; } = TimeSpan.FromSeconds(40);

    public int Workers { get; init; } = 1;
}
