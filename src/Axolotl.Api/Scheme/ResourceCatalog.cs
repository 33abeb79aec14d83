namespace Axolotl.Api.Scheme;

/// <summary>
/// What one API server serves right now: the built-in <see cref="KnownResources"/> plus the resources of
/// every Established CustomResourceDefinition. Readers (routing, discovery, watch caches, metrics) take
/// an immutable snapshot swapped atomically; only the CRD controller writes. See ADR 0021.
/// </summary>
public sealed class ResourceCatalog
{
    private readonly IReadOnlyList<ResourceType> _builtIns;
    private readonly Dictionary<string, IReadOnlyList<ResourceType>> _custom = new(StringComparer.Ordinal);
    private readonly Lock _write = new();
    private volatile Snapshot _current;

    public ResourceCatalog(IReadOnlyList<ResourceType> builtIns)
    {
        _builtIns = builtIns;
        _current = new Snapshot(0, builtIns);
    }

    /// <summary>A catalog of the built-in resources only.</summary>
    public ResourceCatalog()
        : this(KnownResources.All)
    {
    }

    /// <summary>Raised after every change, outside the write lock; handlers must be quick (rebuild lazily).</summary>
    public event Action? Changed;

    /// <summary>Rises with every change: a reader caches what it built from the catalog under this number.</summary>
    public long Version => _current.Version;

    public IReadOnlyList<ResourceType> All => _current.All;

    public IEnumerable<ResourceType> Custom => _current.All.Where(r => r.IsCustom);

    public ResourceType? FindByPlural(string group, string version, string plural) => _current.ByVersionedPlural.GetValueOrDefault((group, version, plural));

    /// <summary>By kind in the preferred (first listed) version.</summary>
    public ResourceType? FindByKind(string group, string kind) => _current.ByKind.GetValueOrDefault((group, kind));

    /// <summary>
    /// Serves <paramref name="types"/> for the CRD <paramref name="definitionName"/> in place of what it
    /// served before; an empty list stops serving it. Built-ins always win a name clash (the CRD controller
    /// refuses such names before they get here).
    /// </summary>
    public void SetCustom(string definitionName, IReadOnlyList<ResourceType> types)
    {
        ArgumentNullException.ThrowIfNull(types);
        lock (_write)
        {
            if (types.Count == 0 ? !_custom.Remove(definitionName) : _custom.TryGetValue(definitionName, out var same) && same.SequenceEqual(types))
            {
                return;
            }
            if (types.Count > 0)
            {
                _custom[definitionName] = types;
            }
            var all = _builtIns.Concat(_custom.OrderBy(c => c.Key, StringComparer.Ordinal).SelectMany(c => c.Value)).ToList();
            _current = new Snapshot(_current.Version + 1, all);
        }
        Changed?.Invoke();
    }

    private sealed class Snapshot
    {
        public Snapshot(long version, IReadOnlyList<ResourceType> all)
        {
            Version = version;
            All = all;
            foreach (var r in all)
            {
                ByVersionedPlural.TryAdd((r.Group, r.Version, r.Plural), r);
                ByKind.TryAdd((r.Group, r.Kind), r);
            }
        }

        public long Version { get; }
        public IReadOnlyList<ResourceType> All { get; }
        public Dictionary<(string Group, string Version, string Plural), ResourceType> ByVersionedPlural { get; } = [];
        public Dictionary<(string Group, string Kind), ResourceType> ByKind { get; } = [];
    }
}
