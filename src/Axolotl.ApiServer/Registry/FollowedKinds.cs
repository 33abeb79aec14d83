using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.Api.Serialization;
using Axolotl.Storage;
using Microsoft.Extensions.Logging;

namespace Axolotl.ApiServer.Registry;

/// <summary>
/// The decoded objects of a few kinds, kept in step with the store by one <see cref="StoreReflector"/> per
/// kind (list, watch, relist). After every list and every change the owner's <c>rebuild</c> runs under one
/// lock with all kinds in view, so the caches that answer requests without reading the store (RBAC, flow
/// control, admission webhooks) each build their snapshot from a consistent set and swap it in.
/// An object that does not decode is logged and left out (<paramref name="undecodable"/> says what that means).
/// </summary>
public sealed partial class FollowedKinds(ObjectStore objects, string name, IReadOnlyList<ResourceType> kinds, Action<FollowedKinds> rebuild,
    string undecodable, TimeProvider clock, ILogger logger)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ResourceType, Dictionary<string, KubeObject>> _objects =
        kinds.ToDictionary(k => k, _ => new Dictionary<string, KubeObject>(StringComparer.Ordinal));

    /// <summary>The objects of one kind; read them inside <c>rebuild</c>, which holds the lock.</summary>
    public IEnumerable<T> Of<T>(ResourceType kind) where T : KubeObject => _objects[kind].Values.OfType<T>();

    /// <summary>Starts following every kind until <paramref name="stopping"/> fires; returns once each was listed.</summary>
    public async Task StartAsync(CancellationToken stopping)
    {
        var reflectors = kinds.Select(kind => new StoreReflector(objects.Store, $"{name} ({kind.Plural})",
            list => Replace(kind, list), change => Apply(kind, change), clock, logger)
        {
            ListPrefix = ObjectStore.Prefix(kind, null),
        }).ToList();
        foreach (var reflector in reflectors)
        {
            _ = Task.Run(() => reflector.RunAsync(stopping), stopping);
        }
        await Task.WhenAll(reflectors.Select(r => r.Synced)).WaitAsync(stopping);
    }

    /// <summary>Replaces every kind's objects at once, keyed by name, without a store (tests).</summary>
    public void Load(IReadOnlyDictionary<ResourceType, IEnumerable<KubeObject>> byKind)
    {
        lock (_lock)
        {
            foreach (var (kind, map) in _objects)
            {
                map.Clear();
                foreach (var obj in byKind.GetValueOrDefault(kind) ?? [])
                {
                    map[obj.Metadata.Name ?? ""] = obj;
                }
            }
            rebuild(this);
        }
    }

    private void Replace(ResourceType kind, StoreListResult list)
    {
        lock (_lock)
        {
            var map = _objects[kind];
            map.Clear();
            foreach (var entry in list.Items)
            {
                if (Decode(kind, entry) is { } obj)
                {
                    map[entry.Key] = obj;
                }
            }
            rebuild(this);
        }
    }

    private void Apply(ResourceType kind, StoreEvent change)
    {
        lock (_lock)
        {
            var map = _objects[kind];
            if (change.Type == StoreEventType.Deleted)
            {
                map.Remove(change.Entry.Key);
            }
            else if (Decode(kind, change.Entry) is { } obj)
            {
                map[change.Entry.Key] = obj;
            }
            rebuild(this);
        }
    }

    private KubeObject? Decode(ResourceType kind, StoreEntry entry)
    {
        try
        {
            return KubeJson.FromNode(ObjectStore.Decode(entry).Object, kind.ClrType) as KubeObject;
        }
        catch (System.Text.Json.JsonException e)
        {
            // Validation keeps malformed objects out; one that got in anyway must not take the cache down.
            LogUndecodable(logger, e, name, entry.Key, undecodable);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Cache}: cannot decode {Key}; {Consequence}")]
    private static partial void LogUndecodable(ILogger logger, Exception e, string cache, string key, string consequence);
}
