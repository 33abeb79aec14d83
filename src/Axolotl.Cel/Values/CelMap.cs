namespace Axolotl.Cel.Values;

/// <summary>
/// A CEL map that keeps insertion order and treats numerically equal int/uint/double keys as one key, as the spec's
/// heterogeneous equality asks (<c>{1: 'a'}[1u]</c> finds the entry).
/// </summary>
public sealed class CelMap
{
    private readonly List<KeyValuePair<object, object>> _entries = [];
    private readonly Dictionary<object, int> _index = [];

    public int Count => _entries.Count;

    public IReadOnlyList<KeyValuePair<object, object>> Entries => _entries;

    public IEnumerable<object> Keys => _entries.Select(e => e.Key);

    /// <summary>Adds an entry; false when an equal key is already present.</summary>
    public bool TryAdd(object key, object value)
    {
        if (!_index.TryAdd(Normalize(key), _entries.Count))
        {
            return false;
        }

        _entries.Add(new(key, value));
        return true;
    }

    public bool TryGetValue(object key, out object value)
    {
        if (key is double d && (double.IsNaN(d) || Math.Floor(d) != d))
        {
            value = null!;
            return false;
        }

        if (_index.TryGetValue(Normalize(key), out var i))
        {
            value = _entries[i].Value;
            return true;
        }

        value = null!;
        return false;
    }

    public static bool IsValidKey(object key) => key is long or ulong or string or bool;

    private static object Normalize(object key) => key switch
    {
        ulong u when u <= long.MaxValue => (long)u,
        double d when d is >= long.MinValue and < 9.2233720368547758E18 => (long)d,
        double d when d is >= 0 and < 1.8446744073709552E19 => (ulong)d,
        _ => key,
    };
}
