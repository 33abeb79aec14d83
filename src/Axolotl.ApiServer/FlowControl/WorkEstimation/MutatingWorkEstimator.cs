namespace Axolotl.ApiServer.FlowControl.WorkEstimation;

/// <summary>
/// Upstream's estimate of a write: one seat while it executes, and the watch fan-out after it: from
/// <see cref="WorkEstimatorOptions.WatchesPerSeat"/> interested watches on, ceil(watches / 10) seats for 5 ms, which,
/// when more than the level's maximum, is reshaped into as many seats as allowed held for proportionally longer
/// (the same seat-seconds). A ServiceAccount token request makes no event and pays no fan-out.
/// </summary>
public sealed class MutatingWorkEstimator(WorkEstimatorOptions options)
{
    /// <param name="watches">The watches the change is sent to (<see cref="WatchTracker.InterestedWatches"/>).</param>
    /// <param name="levelMaxSeats">The level's own cap (0: none but the options').</param>
    public WorkEstimate Estimate(int watches, bool makesNoEvent, int levelMaxSeats)
    {
        var maxSeats = levelMaxSeats <= 0 || levelMaxSeats > options.MaximumMutatingSeatsLimit ? options.MaximumMutatingSeatsLimit : levelMaxSeats;
        if (makesNoEvent || watches < options.WatchesPerSeat)
        {
            return new WorkEstimate(options.MinimumSeats);
        }
        var seats = (int)Math.Ceiling(watches / options.WatchesPerSeat);
        var finalSeats = Math.Min(seats, maxSeats);
        // The same seat-time in fewer seats: 25 seats for 5 ms become 10 for 12.5 ms.
        return new WorkEstimate(1, finalSeats, TimeSpan.FromTicks(options.EventAdditionalDuration.Ticks * seats / finalSeats));
    }
}
