using System.Text.Json.Nodes;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.Api.Serialization;
using Axolotl.Storage;

namespace Axolotl.ApiServer.Registry.Mirrors;

/// <summary>
/// One kind's decoded objects, kept from the store's watch (upstream's admission listers) and from this
/// server's own writes at the moment they are stored, so a request reads what an earlier request of any
/// client through this server wrote (read-your-writes; another server's writes arrive with its watch's lag,
/// as an informer's). Every object carries the revision it was stored at; a change older than what is held
/// for its key is ignored, whichever path brings it, and a deletion is held as a tombstone until the watch
/// has passed its revision, so a late event cannot bring the object back. Objects handed out are shared:
/// callers read them and never change them. Until the first list every lookup answers "not synced" and
/// callers read the store.
/// </summary>
public sealed class StoreMirror(ResourceType kind)
{
    private readonly Lock _lock = new();
    private readonly string _prefix = ObjectStore.Prefix(kind, null);
    // Namespace ("" for cluster-scoped kinds) → name → the newest state known.
    private Dictionary<string, Dictionary<string, Held>> _byNamespace = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _tombstones = new(StringComparer.Ordinal);
    private long _watched;
    private bool _synced;

    public ResourceType Kind => kind;

    /// <summary>Objects that did not decode (logged by the owner) and were left out.</summary>
    public Action<string, Exception>? Undecodable { get; init; }

    public bool Synced
    {
        get
        {
            lock (_lock)
            {
                return _synced;
            }
        }
    }

    /// <summary>The object named <paramref name="name"/>: Found false when it is not held (deleted or never seen); null when not synced.</summary>
    public MirrorLookup? Get(string? ns, string name)
    {
        lock (_lock)
        {
            if (!_synced)
            {
                return null;
            }
            return _byNamespace.TryGetValue(ns ?? "", out var names) && names.TryGetValue(name, out var held) && held.Object is { } obj
                ? new MirrorLookup(obj, held.Revision)
                : MirrorLookup.Missing;
        }
    }

    /// <summary>Every object held in <paramref name="ns"/> (every object of a cluster-scoped kind for null); null when not synced.</summary>
    public IReadOnlyList<KubeObject>? List(string? ns)
    {
        lock (_lock)
        {
            if (!_synced)
            {
                return null;
            }
            if (!_byNamespace.TryGetValue(ns ?? "", out var names))
            {
                return [];
            }
            var objects = new List<KubeObject>(names.Count);
            foreach (var held in names.Values)
            {
                if (held.Object is { } obj)
                {
                    objects.Add(obj);
                }
            }
            return objects;
        }
    }

    /// <summary>The watch listed the kind at <paramref name="list"/>'s revision (first list or relist).</summary>
    public void Replace(StoreListResult list)
    {
        var fresh = new Dictionary<string, Dictionary<string, Held>>(StringComparer.Ordinal);
        foreach (var entry in list.Items)
        {
            if (Split(entry.Key) is var (ns, name) && Decode(entry.Key, entry.Value, entry.ModRevision) is { } obj)
            {
                Names(fresh, ns)[name] = new Held(obj, entry.ModRevision);
            }
        }
        lock (_lock)
        {
            // What this server wrote after the list's revision is newer than the list: it stays.
            foreach (var (ns, names) in _byNamespace)
            {
                foreach (var (name, held) in names)
                {
                    if (held.Revision > list.Revision)
                    {
                        Names(fresh, ns)[name] = held;
                    }
                }
            }
            _byNamespace = fresh;
            _watched = Math.Max(_watched, list.Revision);
            Prune();
            _synced = true;
        }
    }

    /// <summary>One change from the watch, in revision order.</summary>
    public void Apply(StoreEvent change)
    {
        var entry = change.Entry;
        var changed = change.Type is StoreEventType.Added or StoreEventType.Modified;
        var obj = changed ? Decode(entry.Key, entry.Value, entry.ModRevision) : null;
        lock (_lock)
        {
            _watched = Math.Max(_watched, entry.ModRevision);
            if (change.Type == StoreEventType.Deleted)
            {
                Remove(entry.Key, entry.ModRevision);
            }
            else if (changed && obj is not null)
            {
                Put(entry.Key, obj, entry.ModRevision);
            }
            Prune(); // a progress notification only moves the revision on
        }
    }

    /// <summary>This server stored <paramref name="stored"/> under <paramref name="key"/> (a create or an update).</summary>
    public void Written(string key, JsonObject stored, long revision)
    {
        var obj = Decode(key, stored);
        lock (_lock)
        {
            // Once the watch is past the write it has applied it, and whatever came after: nothing to add.
            if (obj is not null && revision > _watched)
            {
                Put(key, obj, revision);
            }
        }
    }

    /// <summary>This server deleted <paramref name="key"/> at <paramref name="revision"/>.</summary>
    public void Deleted(string key, long revision)
    {
        lock (_lock)
        {
            if (revision > _watched)
            {
                Remove(key, revision);
            }
        }
    }

    private void Put(string key, KubeObject obj, long revision)
    {
        if (Split(key) is not var (ns, name))
        {
            return;
        }
        var names = Names(_byNamespace, ns);
        if (names.TryGetValue(name, out var held) && held.Revision >= revision)
        {
            return;
        }
        names[name] = new Held(obj, revision);
        _tombstones.Remove(key);
    }

    private void Remove(string key, long revision)
    {
        if (Split(key) is not var (ns, name))
        {
            return;
        }
        _byNamespace.TryGetValue(ns, out var names);
        if (names is not null && names.TryGetValue(name, out var held) && held.Revision >= revision)
        {
            return;
        }
        if (revision > _watched)
        {
            // The watch has not reached the deletion yet: an older event of the key may still come, and must not revive it.
            Names(_byNamespace, ns)[name] = new Held(null, revision);
            _tombstones[key] = revision;
        }
        else
        {
            Forget(ns, name);
        }
    }

    /// <summary>Tombstones the watch has passed can go: nothing older than them can arrive any more.</summary>
    private void Prune()
    {
        if (_tombstones.Count == 0)
        {
            return;
        }
        List<string>? passed = null;
        foreach (var (key, revision) in _tombstones)
        {
            if (revision <= _watched)
            {
                (passed ??= []).Add(key);
            }
        }
        foreach (var key in passed ?? [])
        {
            _tombstones.Remove(key);
            if (Split(key) is var (ns, name) && _byNamespace.TryGetValue(ns, out var names) && names.TryGetValue(name, out var held) && held.Object is null)
            {
                Forget(ns, name);
            }
        }
    }

    private void Forget(string ns, string name)
    {
        if (_byNamespace.TryGetValue(ns, out var names) && names.Remove(name) && names.Count == 0)
        {
            _byNamespace.Remove(ns);
        }
    }

    private static Dictionary<string, Held> Names(Dictionary<string, Dictionary<string, Held>> byNamespace, string ns)
    {
        if (!byNamespace.TryGetValue(ns, out var names))
        {
            byNamespace[ns] = names = new Dictionary<string, Held>(StringComparer.Ordinal);
        }
        return names;
    }

    /// <summary>A key of this kind into its namespace ("" when cluster-scoped) and name; null for anything else.</summary>
    private (string Namespace, string Name)? Split(string key)
    {
        if (!key.StartsWith(_prefix, StringComparison.Ordinal) || key.Length == _prefix.Length)
        {
            return null;
        }
        var rest = key.AsSpan(_prefix.Length);
        if (!kind.Namespaced)
        {
            return rest.Contains('/') ? null : ("", rest.ToString());
        }
        var slash = rest.IndexOf('/');
        return slash <= 0 || slash == rest.Length - 1 ? null : (rest[..slash].ToString(), rest[(slash + 1)..].ToString());
    }

    private KubeObject? Decode(string key, ReadOnlyMemory<byte> value, long revision)
    {
        try
        {
            // Stored values carry no resourceVersion: it is the revision, stamped as ObjectStore.Decode does.
            var obj = KubeJson.FromUtf8(value.Span, kind.ClrType) as KubeObject;
            obj?.Metadata.ResourceVersion = revision.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return obj;
        }
        catch (System.Text.Json.JsonException e)
        {
            Undecodable?.Invoke(key, e);
            return null;
        }
    }

    private KubeObject? Decode(string key, JsonObject value)
    {
        try
        {
            return KubeJson.FromNode(value, kind.ClrType) as KubeObject;
        }
        catch (System.Text.Json.JsonException e)
        {
            Undecodable?.Invoke(key, e);
            return null;
        }
    }

    /// <summary>An object (null: a tombstone) and the revision it was stored, or deleted, at.</summary>
    private readonly record struct Held(KubeObject? Object, long Revision);
}

/// <summary>What <see cref="StoreMirror.Get"/> found: the object and its revision, or nothing.</summary>
public sealed record MirrorLookup(KubeObject? Object, long Revision)
{
    public static MirrorLookup Missing { get; } = new(null, 0);

    public bool Found => Object is not null;
}
