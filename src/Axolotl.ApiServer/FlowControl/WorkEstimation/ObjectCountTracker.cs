namespace Axolotl.ApiServer.FlowControl.WorkEstimation;

/// <summary>
/// How many objects of each resource the store held at the last count (upstream's object count tracker), keyed by
/// the qualified resource ("configmaps", "deployments.apps"). A count not renewed for <see cref="StaleAfter"/> is
/// stale: the store is struggling, so a LIST is then priced at the most. Counts not renewed for
/// <see cref="PruneAfter"/> (a resource no longer served) are forgotten by <see cref="Prune"/>.
/// </summary>
public sealed class ObjectCountTracker(TimeProvider clock)
{
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(3);
    public static readonly TimeSpan PruneAfter = TimeSpan.FromHours(1);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, (long Count, DateTimeOffset At)> _counts = new(StringComparer.Ordinal);

    public void Set(string resource, long count)
    {
        lock (_lock)
        {
            _counts[resource] = (count, clock.GetUtcNow());
        }
    }

    public ObjectCount Get(string resource)
    {
        lock (_lock)
        {
            if (!_counts.TryGetValue(resource, out var entry))
            {
                return new ObjectCount(0, ObjectCountState.NotFound);
            }
            return new ObjectCount(entry.Count, clock.GetUtcNow() - entry.At > StaleAfter ? ObjectCountState.Stale : ObjectCountState.Fresh);
        }
    }

    public void Prune()
    {
        lock (_lock)
        {
            var oldest = clock.GetUtcNow() - PruneAfter;
            foreach (var gone in _counts.Where(p => p.Value.At < oldest).Select(p => p.Key).ToList())
            {
                _counts.Remove(gone);
            }
        }
    }
}
