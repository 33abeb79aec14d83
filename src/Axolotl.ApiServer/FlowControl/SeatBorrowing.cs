namespace Axolotl.ApiServer.FlowControl;

/// <summary>
/// Moves seats between priority levels by demand, as upstream's borrowing adjustment does every 10 seconds (and
/// after each configuration change). Each level's seat demand since the last adjustment gives it a floor (its
/// configured floor, raised to what it used at its peak, up to its nominal limit) and a target (its smoothed
/// demand); the server's seats are then divided in fair proportion to the targets within every level's floor and
/// ceiling (<see cref="ConcurrencyAllocation"/>). Exempt levels come off the top: they keep what they used, up to
/// their nominal share, and the limited levels divide the rest. A level that waits is thus lent the seats an idle
/// level does not use, and gets them back within one period once that level is busy again.
/// </summary>
public static class SeatBorrowing
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(10);

    /// <summary>Reads and resets each level's demand and sets its current limit; returns the fair proportion used.</summary>
    public static double Adjust(IReadOnlyCollection<PriorityLevelState> levels)
    {
        ArgumentNullException.ThrowIfNull(levels);
        foreach (var level in levels)
        {
            level.DemandStats.Update(level.Demand?.Reset() ?? default);
        }
        var required = 0.0;
        foreach (var level in levels)
        {
            required += level.Limits.Nominal;
            if (level.IsExempt)
            {
                level.CurrentLimit = (int)Math.Round(Floor(level), MidpointRounding.AwayFromZero);
                required -= level.CurrentLimit;
            }
        }
        var limited = levels.Where(l => !l.IsExempt).ToList();
        var claims = limited.Select(l => new AllocationClaim(Math.Max(Floor(l), l.DemandStats.Smoothed), Floor(l), Math.Max(Floor(l), l.Limits.Max))).ToList();
        var (allocations, fairProp) = ConcurrencyAllocation.Compute(required, claims);
        for (var i = 0; i < limited.Count; i++)
        {
            limited[i].CurrentLimit = (int)Math.Round(allocations[i], MidpointRounding.AwayFromZero);
            limited[i].Queues?.SetSeats(limited[i].CurrentLimit);
        }
        return fairProp;
    }

    // What a level keeps whatever others want: its configured floor, or more if it used more, but never above nominal.
    private static double Floor(PriorityLevelState level) =>
        Math.Max(level.Limits.Min, Math.Min(level.Limits.Nominal, level.DemandStats.HighWatermark));
}
