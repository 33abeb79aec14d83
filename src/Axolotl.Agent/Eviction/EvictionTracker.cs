using Axolotl.Api.Resources;

namespace Axolotl.Agent.Eviction;

/// <summary>
/// The eviction manager's decisions, without I/O (upstream synchronize's bookkeeping): which
/// thresholds are met (a threshold met earlier stays met until its minimum reclaim is also
/// recovered), since when (soft thresholds act only after their grace period), which node conditions
/// hold (True until the pressure-transition period has passed without the threshold being met), and
/// which thresholds call for reclaiming now. Call <see cref="Observe"/> once per observation.
/// </summary>
public sealed class EvictionTracker(EvictionConfig config)
{
    private Dictionary<Threshold, DateTimeOffset> _firstObservedAt = [];
    private Dictionary<string, DateTimeOffset> _conditionLastObservedAt = new(StringComparer.Ordinal);
    private List<Threshold> _met = [];
    private IReadOnlyDictionary<string, SignalObservation> _last = new Dictionary<string, SignalObservation>(StringComparer.Ordinal);

    public EvictionConfig Config => config;

    /// <summary>The node conditions (MemoryPressure, DiskPressure, PIDPressure) that are True now.</summary>
    public IReadOnlyList<string> Conditions { get; private set; } = [];

    public EvictionDecision Observe(IReadOnlyDictionary<string, SignalObservation> observations, DateTimeOffset now)
    {
        var thresholds = Met(config.Thresholds, observations, enforceMinReclaim: false);
        // Not yet recovered by the minimum reclaim: still met.
        foreach (var threshold in Met(_met, observations, enforceMinReclaim: true))
        {
            if (!thresholds.Contains(threshold))
            {
                thresholds.Add(threshold);
            }
        }

        var firstObservedAt = new Dictionary<Threshold, DateTimeOffset>();
        foreach (var threshold in thresholds)
        {
            firstObservedAt[threshold] = _firstObservedAt.TryGetValue(threshold, out var at) ? at : now;
        }

        var conditionLastObservedAt = new Dictionary<string, DateTimeOffset>(_conditionLastObservedAt, StringComparer.Ordinal);
        foreach (var condition in thresholds.Select(t => EvictionSignals.Condition(t.Signal)).Distinct())
        {
            conditionLastObservedAt[condition] = now;
        }
        var conditions = conditionLastObservedAt.Where(c => now - c.Value < config.PressureTransitionPeriod).Select(c => c.Key)
            .OrderBy(Order).ToList();

        var graceMet = firstObservedAt.Where(t => now - t.Value >= t.Key.GracePeriod).Select(t => t.Key).ToList();

        _firstObservedAt = firstObservedAt;
        _conditionLastObservedAt = conditionLastObservedAt;
        _met = graceMet;
        Conditions = conditions;

        // Act only on fresh numbers: an observation no newer than the last one was already acted on.
        var updated = graceMet.Where(t => observations.TryGetValue(t.Signal, out var seen)
            && (!_last.TryGetValue(t.Signal, out var last) || seen.Time > last.Time)).ToList();
        _last = observations;

        // Memory first, then anything with a resource to reclaim (upstream byEvictionPriority).
        var ordered = updated.OrderBy(t => EvictionSignals.IsMemory(t.Signal) ? 0 : 1).ToList();
        return new EvictionDecision(conditions, ordered, observations);
    }

    /// <summary>Whether the thresholds would still be met, with their minimum reclaim added (after reclaiming at node level).</summary>
    public bool StillMet(IReadOnlyDictionary<string, SignalObservation> observations) =>
        Met(config.Thresholds, observations, enforceMinReclaim: true).Count > 0;

    /// <summary>Upstream thresholdsMet: available &lt; threshold quantity (+ minimum reclaim when enforced).</summary>
    public static List<Threshold> Met(IEnumerable<Threshold> thresholds, IReadOnlyDictionary<string, SignalObservation> observations, bool enforceMinReclaim)
    {
        var result = new List<Threshold>();
        foreach (var threshold in thresholds)
        {
            if (!observations.TryGetValue(threshold.Signal, out var observed))
            {
                continue;
            }
            var quantity = threshold.Value.Resolve(observed.Capacity);
            if (enforceMinReclaim && threshold.MinReclaim is { } reclaim)
            {
                quantity += reclaim.Resolve(observed.Capacity);
            }
            if (quantity > observed.Available)
            {
                result.Add(threshold);
            }
        }
        return result;
    }

    /// <summary>The threshold's quantity and the available amount behind "Threshold quantity: X, available: Y."</summary>
    public static (Quantity Quantity, Quantity Available)? MetInfo(string resource, IReadOnlyList<Threshold> thresholds, IReadOnlyDictionary<string, SignalObservation> observations)
    {
        foreach (var threshold in thresholds)
        {
            if (EvictionSignals.Resource(threshold.Signal) == resource && observations.TryGetValue(threshold.Signal, out var observed))
            {
                return (threshold.Value.Resolve(observed.Capacity), observed.Available);
            }
        }
        return null;
    }

    private static int Order(string condition) => condition switch
    {
        EvictionSignals.MemoryPressure => 0,
        EvictionSignals.DiskPressure => 1,
        _ => 2,
    };
}
