using Axolotl.Api.Meta;

namespace Axolotl.Client.Informers;

/// <summary>
/// The informer's indexed cache. Thread-safe for readers. The objects it returns are shared with every
/// other reader and with the informer itself: treat them as immutable. To change one, take
/// <see cref="ObjectCopy.DeepCopy{T}"/>, modify the copy, and write it with its resourceVersion.
/// </summary>
public sealed class Lister<T>
    where T : KubeObject
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, T> _items = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Index> _indexes = new(StringComparer.Ordinal);

    internal Lister()
    {
        AddIndex(CacheIndexes.Namespace, CacheIndexes.ByNamespace);
        AddIndex(CacheIndexes.OwnerUid, CacheIndexes.ByOwnerUid);
        AddIndex(CacheIndexes.ControllerUid, CacheIndexes.ByControllerUid);
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _items.Count;
            }
        }
    }

    public T? Get(string? ns, string name)
    {
        lock (_lock)
        {
            return _items.GetValueOrDefault(CacheIndexes.Key(ns, name));
        }
    }

    /// <summary>Every object, or those in <paramref name="ns"/>.</summary>
    public IReadOnlyList<T> List(string? ns = null)
    {
        lock (_lock)
        {
            return ns is null ? [.. _items.Values] : ByIndexLocked(CacheIndexes.Namespace, ns);
        }
    }

    /// <summary>Objects in <paramref name="ns"/> (all when null) that satisfy <paramref name="predicate"/>.</summary>
    public IReadOnlyList<T> List(string? ns, Func<T, bool> predicate) => [.. List(ns).Where(predicate)];

    /// <summary>Objects whose labels include every pair of <paramref name="matchLabels"/> (an equality selector).</summary>
    public IReadOnlyList<T> ListByLabels(string? ns, IReadOnlyDictionary<string, string> matchLabels) =>
        List(ns, o => matchLabels.All(p => o.Metadata.Labels is { } labels && labels.TryGetValue(p.Key, out var v) && v == p.Value));

    /// <summary>Objects whose index function produced <paramref name="value"/>, e.g. (<see cref="CacheIndexes.OwnerUid"/>, uid).</summary>
    public IReadOnlyList<T> ByIndex(string indexName, string value)
    {
        lock (_lock)
        {
            return ByIndexLocked(indexName, value);
        }
    }

    /// <summary>
    /// Adds the index unless the lister has one by that name (a shared informer's consumers each ask for the
    /// indexes they read; the first one adds it).
    /// </summary>
    public void EnsureIndex(string name, Func<T, IEnumerable<string>> indexFunc)
    {
        lock (_lock)
        {
            if (!_indexes.ContainsKey(name))
            {
                AddIndex(name, indexFunc);
            }
        }
    }

    /// <summary>Adds an index; existing objects are indexed at once.</summary>
    public void AddIndex(string name, Func<T, IEnumerable<string>> indexFunc)
    {
        lock (_lock)
        {
            if (_indexes.ContainsKey(name))
            {
                throw new InvalidOperationException($"index \"{name}\" exists");
            }
            var index = new Index(indexFunc);
            foreach (var (key, item) in _items)
            {
                index.Add(key, item);
            }
            _indexes[name] = index;
        }
    }

    internal T? Upsert(T item)
    {
        var key = CacheIndexes.Key(item);
        lock (_lock)
        {
            var old = _items.GetValueOrDefault(key);
            if (old is not null)
            {
                foreach (var index in _indexes.Values)
                {
                    index.Remove(key, old);
                }
            }
            _items[key] = item;
            foreach (var index in _indexes.Values)
            {
                index.Add(key, item);
            }
            return old;
        }
    }

    internal T? Remove(string key)
    {
        lock (_lock)
        {
            if (!_items.Remove(key, out var old))
            {
                return null;
            }
            foreach (var index in _indexes.Values)
            {
                index.Remove(key, old);
            }
            return old;
        }
    }

    internal IReadOnlyDictionary<string, T> Snapshot()
    {
        lock (_lock)
        {
            return new Dictionary<string, T>(_items, StringComparer.Ordinal);
        }
    }

    private List<T> ByIndexLocked(string indexName, string value)
    {
        if (!_indexes.TryGetValue(indexName, out var index))
        {
            throw new ArgumentException($"no index named \"{indexName}\"", nameof(indexName));
        }
        return index.Keys(value).Select(k => _items[k]).ToList();
    }

    private sealed class Index(Func<T, IEnumerable<string>> indexFunc)
    {
        private readonly Dictionary<string, HashSet<string>> _keysByValue = new(StringComparer.Ordinal);

        public IEnumerable<string> Keys(string value) =>
            _keysByValue.TryGetValue(value, out var keys) ? keys : [];

        public void Add(string key, T item)
        {
            foreach (var value in indexFunc(item))
            {
                if (!_keysByValue.TryGetValue(value, out var keys))
                {
                    _keysByValue[value] = keys = new HashSet<string>(StringComparer.Ordinal);
                }
                keys.Add(key);
            }
        }

        public void Remove(string key, T item)
        {
            foreach (var value in indexFunc(item))
            {
                if (_keysByValue.TryGetValue(value, out var keys) && keys.Remove(key) && keys.Count == 0)
                {
                    _keysByValue.Remove(value);
                }
            }
        }
    }
}
