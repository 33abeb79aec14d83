using Axolotl.Api.Resources;

namespace Axolotl.Agent.Eviction;

/// <summary>
/// Node allocatable and node-pressure eviction settings, with the kubelet's defaults
/// (--eviction-hard memory.available&lt;100Mi,nodefs.available&lt;10%,imagefs.available&lt;15%,nodefs.inodesFree&lt;5%,
/// --eviction-pressure-transition-period 5m, --eviction-monitoring every 10 s, nothing reserved).
/// Build it from flags with <see cref="EvictionConfigParser"/>.
/// </summary>
public sealed record EvictionConfig
{
    public static readonly IReadOnlyList<Threshold> DefaultHard =
    [
        new(EvictionSignals.MemoryAvailable, ThresholdValue.Of(Quantity.Parse("100Mi")), TimeSpan.Zero),
        new(EvictionSignals.NodeFsAvailable, ThresholdValue.OfPercentage(0.10f), TimeSpan.Zero),
        new(EvictionSignals.ImageFsAvailable, ThresholdValue.OfPercentage(0.15f), TimeSpan.Zero),
        new(EvictionSignals.NodeFsInodesFree, ThresholdValue.OfPercentage(0.05f), TimeSpan.Zero),
    ];

    public static EvictionConfig Default { get; } = new();

    /// <summary>
    /// Every threshold, hard and soft, including allocatableMemory.available copied from the hard
    /// memory.available one (the kubelet adds it when it enforces allocatable on the pods' cgroup).
    /// </summary>
    public IReadOnlyList<Threshold> Thresholds { get; init; } = WithAllocatable(DefaultHard);

    /// <summary>How long a pressure condition stays True after its threshold was last met (--eviction-pressure-transition-period).</summary>
    public TimeSpan PressureTransitionPeriod { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How often signals are observed (the kubelet's evictionMonitoringPeriod, 10 s).</summary>
    public TimeSpan MonitoringInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest grace a pod gets when a soft threshold evicts it (--eviction-max-pod-grace-period; 0 = the pod's own).</summary>
    public TimeSpan MaxPodGracePeriod { get; init; } = TimeSpan.Zero;

    /// <summary>--system-reserved: resource name → amount (cpu, memory, ephemeral-storage, pid).</summary>
    public IReadOnlyDictionary<string, Quantity> SystemReserved { get; init; } = new Dictionary<string, Quantity>(StringComparer.Ordinal);

    /// <summary>--kube-reserved, as <see cref="SystemReserved"/>.</summary>
    public IReadOnlyDictionary<string, Quantity> KubeReserved { get; init; } = new Dictionary<string, Quantity>(StringComparer.Ordinal);

    public IEnumerable<Threshold> HardThresholds => Thresholds.Where(t => t.IsHard);

    /// <summary>The hard imagefs.available threshold, if any: what an image unpack leaves free (the image store's UnpackSpace).</summary>
    public ThresholdValue? ImageFsAvailable => HardThresholds.FirstOrDefault(t => t.Signal == EvictionSignals.ImageFsAvailable)?.Value;

    /// <summary>The thresholds plus allocatableMemory.available for each hard memory.available (upstream addAllocatableThresholds).</summary>
    public static IReadOnlyList<Threshold> WithAllocatable(IEnumerable<Threshold> thresholds)
    {
        var list = thresholds.ToList();
        var extra = list.Where(t => t.Signal == EvictionSignals.MemoryAvailable && t.IsHard)
            .Select(t => t with { Signal = EvictionSignals.AllocatableMemoryAvailable })
            .ToList();
        return [.. list, .. extra];
    }

    /// <summary>The reserved amount of a resource: system-reserved plus kube-reserved.</summary>
    public Quantity Reserved(string resource) =>
        SystemReserved.GetValueOrDefault(resource, Quantity.Zero) + KubeReserved.GetValueOrDefault(resource, Quantity.Zero);
}
