namespace Axolotl.Agent.Eviction;

/// <summary>
/// One synchronize's outcome: the node conditions that hold, and the thresholds (grace period met,
/// fresh observation) to reclaim for, most urgent first; empty when nothing is starved.
/// </summary>
public sealed record EvictionDecision(
    IReadOnlyList<string> Conditions,
    IReadOnlyList<Threshold> ToReclaim,
    IReadOnlyDictionary<string, SignalObservation> Observations);
