using System.Collections.Frozen;
using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Microsoft.Extensions.Logging;

namespace Axolotl.ApiServer.Registry.Mirrors;

/// <summary>
/// The kinds an <see cref="ObjectStore"/> keeps mirrored in memory for admission (upstream's plugins read
/// listers, not etcd): the host starts them, every write through the object store is noted in its kind's
/// mirror as it is stored, and a lookup of a kind that is not mirrored (tests without a host) answers null,
/// so the caller reads the store as before.
/// </summary>
public sealed partial class StoreMirrors
{
    // By qualified resource: ResourceType is a record, whose hash would walk every field on each write.
    private volatile FrozenDictionary<string, StoreMirror> _mirrors = FrozenDictionary<string, StoreMirror>.Empty;

    /// <summary>The mirror of <paramref name="kind"/>, when it is mirrored.</summary>
    public StoreMirror? For(ResourceType kind) => _mirrors.GetValueOrDefault(kind.QualifiedResource);

    /// <summary>
    /// Mirrors <paramref name="kinds"/> from now on: writes are noted at once, and one reflector per kind lists and
    /// watches the store until <paramref name="stopping"/>. Returns without waiting for the lists.
    /// </summary>
    public void Start(ObjectStore objects, IReadOnlyList<ResourceType> kinds, TimeProvider clock, ILogger logger, CancellationToken stopping)
    {
        foreach (var kind in kinds)
        {
            if (For(kind) is not null)
            {
                continue;
            }
            var mirror = new StoreMirror(kind) { Undecodable = (key, e) => LogUndecodable(logger, e, key) };
            // Noted before it lists: a write in between is in the list or newer than it, and Replace keeps the newer.
            Adopt(mirror);
            var reflector = new StoreReflector(objects.Store, $"admission mirror ({kind.Plural})", mirror.Replace, mirror.Apply, clock, logger)
            {
                ListPrefix = ObjectStore.Prefix(kind, null),
            };
            _ = Task.Run(() => reflector.RunAsync(stopping), stopping);
        }
    }

    /// <summary>Mirrors a kind whose list and changes the caller hands in; writes through the object store are noted from now on.</summary>
    public void Adopt(StoreMirror mirror) =>
        _mirrors = new Dictionary<string, StoreMirror>(_mirrors, StringComparer.Ordinal) { [mirror.Kind.QualifiedResource] = mirror }
            .ToFrozenDictionary(StringComparer.Ordinal);

    internal void Written(ResourceType kind, string key, JsonObject stored, long revision)
    {
        if (_mirrors.Count != 0 && _mirrors.TryGetValue(kind.QualifiedResource, out var mirror))
        {
            mirror.Written(key, stored, revision);
        }
    }

    internal void Deleted(ResourceType kind, string key, long revision)
    {
        if (_mirrors.Count != 0 && _mirrors.TryGetValue(kind.QualifiedResource, out var mirror))
        {
            mirror.Deleted(key, revision);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "admission mirror: cannot decode {Key}; admission reads it as absent")]
    private static partial void LogUndecodable(ILogger logger, Exception e, string key);
}
