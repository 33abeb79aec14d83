namespace Axolotl.ApiServer.Watch.Cache;

/// <summary>
/// The keys of a cache's current objects by the value of its indexed field (pods by <c>spec.nodeName</c>), so that a question
/// about one node's pods reads those pods only: the node authorizer once decoded every pod of a namespace for each of a
/// node's reads, 10,000 per read at 100,000 pods. Not thread-safe: the cache's lock guards it.
/// </summary>
internal sealed class IndexedKeys
{
    private readonly Dictionary<string, HashSet<string>> _keys = new(StringComparer.Ordinal);

    /// <summary>Records that <paramref name="key"/>'s value went from <paramref name="from"/> to <paramref name="to"/> (null: no object, or no value).</summary>
    public void Move(string key, string? from, string? to)
    {
        if (string.Equals(from, to, StringComparison.Ordinal))
        {
            return;
        }
        if (!string.IsNullOrEmpty(from) && _keys.TryGetValue(from, out var old))
        {
            old.Remove(key);
            if (old.Count == 0)
            {
                _keys.Remove(from);
            }
        }
        if (!string.IsNullOrEmpty(to))
        {
            if (!_keys.TryGetValue(to, out var set))
            {
                _keys[to] = set = new HashSet<string>(StringComparer.Ordinal);
            }
            set.Add(key);
        }
    }

    /// <summary>The keys with <paramref name="value"/> that start with <paramref name="prefix"/>.</summary>
    public List<string> Under(string value, string prefix)
    {
        var found = new List<string>();
        if (_keys.TryGetValue(value, out var set))
        {
            foreach (var key in set)
            {
                if (key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    found.Add(key);
                }
            }
        }
        return found;
    }

    public void Clear() => _keys.Clear();
}
