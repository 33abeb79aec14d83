namespace Axolotl.Scheduler.Preemption;

/// <summary>
/// Upstream's pickOneNodeForPreemption, criteria in order, each keeping only the nodes that tie on it:
/// fewest PodDisruptionBudget violations; lowest highest-priority victim; lowest sum of victim priorities;
/// fewest victims; latest start among the highest-priority victims (the youngest disrupted); then the first.
/// </summary>
public static class CandidateChoice
{
    public static PreemptionCandidate? Pick(IReadOnlyList<PreemptionCandidate> candidates, DateTimeOffset now)
    {
        if (candidates.Count == 0)
        {
            return null;
        }
        // A node where nothing need go wins at once.
        if (candidates.FirstOrDefault(c => c.Victims.Count == 0) is { } free)
        {
            return free;
        }
        IReadOnlyList<PreemptionCandidate> left = candidates;
        left = KeepMin(left, c => c.DisruptionBudgetViolations);
        left = KeepMin(left, c => c.Victims.Max(PodImportance.Priority));
        // Shifted so every priority counts as non-negative, as upstream sums them.
        left = KeepMin(left, c => c.Victims.Sum(v => (long)PodImportance.Priority(v) + int.MaxValue + 1));
        left = KeepMin(left, c => c.Victims.Count);
        left = KeepMin(left, c => -EarliestStartOfHighestPriority(c, now).UtcTicks);
        return left[0];
    }

    private static DateTimeOffset EarliestStartOfHighestPriority(PreemptionCandidate candidate, DateTimeOffset now)
    {
        var highest = candidate.Victims.Max(PodImportance.Priority);
        return candidate.Victims.Where(v => PodImportance.Priority(v) == highest).Min(v => PodImportance.StartTime(v, now));
    }

    private static List<PreemptionCandidate> KeepMin(IReadOnlyList<PreemptionCandidate> candidates, Func<PreemptionCandidate, long> score)
    {
        var best = candidates.Min(score);
        return [.. candidates.Where(c => score(c) == best)];
    }
}
