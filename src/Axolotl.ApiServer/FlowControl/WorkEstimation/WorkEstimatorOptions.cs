namespace Axolotl.ApiServer.FlowControl.WorkEstimation;

/// <summary>
/// Upstream's WorkEstimatorConfig with its defaults (the object-count list estimate, SizeBasedListCostEstimate off):
/// every request takes at least one seat; a LIST one seat per 100 objects it reads, at most 10; a mutating request
/// one more seat per 10 watchers of what it changes, at most 10, for 5 ms after it ends.
/// </summary>
public sealed record WorkEstimatorOptions
{
    public int MinimumSeats { get; init; } = 1;

    public int MaximumListSeatsLimit { get; init; } = 10;

    public int MaximumMutatingSeatsLimit { get; init; } = 10;

    public double ObjectsPerSeat { get; init; } = 100;

    public double WatchesPerSeat { get; init; } = 10;

    public TimeSpan EventAdditionalDuration { get; init; } = TimeSpan.FromMilliseconds(5);
}
