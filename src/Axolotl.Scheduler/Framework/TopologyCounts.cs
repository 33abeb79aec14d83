namespace Axolotl.Scheduler.Framework;

/// <summary>
/// A count per topology pair (node label key and value), as upstream's topologyToMatchedTermCount: an
/// entry brought down to zero is removed, so that <see cref="Count"/> says whether anything matched at all.
/// Keyed by key, then value: string keys hash with the runtime's fast ordinal hash, a (key, value) tuple with two
/// randomized ones, and InterPodAffinity's filter looks pairs up for every node of a cycle.
/// </summary>
public sealed class TopologyCounts
{
    private readonly Dictionary<string, Dictionary<string, long>> _counts = new(StringComparer.Ordinal);

    public TopologyCounts()
    {
    }

    private TopologyCounts(TopologyCounts source)
    {
        foreach (var (key, values) in source._counts)
        {
            _counts[key] = new Dictionary<string, long>(values, StringComparer.Ordinal);
        }
        Count = source.Count;
    }

    /// <summary>How many pairs have a count other than zero.</summary>
    public int Count { get; private set; }

    public long this[string key, string value] =>
        _counts.TryGetValue(key, out var values) ? values.GetValueOrDefault(value) : 0;

    public void Add(string key, string value, long delta)
    {
        if (!_counts.TryGetValue(key, out var values))
        {
            values = new Dictionary<string, long>(StringComparer.Ordinal);
            _counts[key] = values;
        }
        var had = values.TryGetValue(value, out var current);
        var total = current + delta;
        if (total == 0)
        {
            if (had)
            {
                values.Remove(value);
                Count--;
            }
        }
        else
        {
            values[value] = total;
            if (!had)
            {
                Count++;
            }
        }
    }

    public TopologyCounts Clone() => new(this);
}
