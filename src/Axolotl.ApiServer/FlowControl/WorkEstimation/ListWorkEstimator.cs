namespace Axolotl.ApiServer.FlowControl.WorkEstimation;

/// <summary>
/// Upstream's LIST estimate by object count: one seat per <see cref="WorkEstimatorOptions.ObjectsPerSeat"/> objects
/// the list processes, between the minimum and the level's maximum (itself at most
/// <see cref="WorkEstimatorOptions.MaximumListSeatsLimit"/>). The objects processed, from the resource's stored count:
/// one when a field selector names the object; all of them when served from the watch cache; all plus the page when
/// storage is read with a selector (it reads until the page is full); twice the page otherwise. The count is the whole
/// resource's, whatever the namespace, as upstream keeps it. An unknown resource (served elsewhere, or not counted yet)
/// costs the minimum; a stale count the maximum.
/// </summary>
public sealed class ListWorkEstimator(ObjectCountTracker counts, WorkEstimatorOptions options)
{
    private const long InfiniteObjectCount = 1_000_000_000;

    /// <param name="resource">The qualified resource ("configmaps", "deployments.apps").</param>
    /// <param name="query">The list options; null when they cannot be read.</param>
    /// <param name="levelMaxSeats">The level's own cap (0: none but the options').</param>
    public WorkEstimate Estimate(string resource, ListQuery? query, int levelMaxSeats)
    {
        var minSeats = options.MinimumSeats;
        var maxSeats = levelMaxSeats <= 0 || levelMaxSeats > options.MaximumListSeatsLimit ? options.MaximumListSeatsLimit : levelMaxSeats;
        if (query is null)
        {
            // Bound to fail validation: priced at the most, as upstream does.
            return new WorkEstimate(maxSeats);
        }
        var count = counts.Get(resource);
        var stored = count.State switch
        {
            ObjectCountState.NotFound => -1,
            ObjectCountState.Stale => InfiniteObjectCount,
            _ => count.Count,
        };
        if (stored < 0)
        {
            return new WorkEstimate(minSeats);
        }
        var limit = query.Limit > 0 && query.Limit < stored ? query.Limit : stored;
        long processed;
        if (query.MatchesSingle)
        {
            processed = 1;
        }
        else if (query.FromCache)
        {
            processed = stored;
        }
        else if (query.LabelSelector.Length > 0 || query.FieldSelector.Length > 0)
        {
            processed = stored + limit;
        }
        else
        {
            processed = 2 * limit;
        }
        var seats = (long)Math.Ceiling(processed / options.ObjectsPerSeat);
        return new WorkEstimate((int)Math.Clamp(seats, minSeats, Math.Max(minSeats, maxSeats)));
    }
}
