namespace Axolotl.Scheduler.Framework;

/// <summary>
/// A count per topology pair (node label key and value), as upstream's topologyToMatchedTermCount: an
/// entry brought down to zero is removed, so that <see cref="Count"/> says whether anything matched at all.
/// </summary>
public sealed class TopologyCounts
{
    private readonly Dictionary<(string Key, string Value), long> _counts;

    public TopologyCounts()
    {
        _counts = [];
    }

    private TopologyCounts(Dictionary<(string Key, string Value), long> counts)
    {
        _counts = new Dictionary<(string Key, string Value), long>(counts);
    }

    public int Count => _counts.Count;

    public long this[string key, string value] => _counts.GetValueOrDefault((key, value));

    public void Add(string key, string value, long delta)
    {
        var total = _counts.GetValueOrDefault((key, value)) + delta;
        if (total == 0)
        {
            _counts.Remove((key, value));
        }
        else
        {
            _counts[(key, value)] = total;
        }
    }

    public TopologyCounts Clone() => new(_counts);
}
