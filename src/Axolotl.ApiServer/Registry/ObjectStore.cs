using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Errors;
using Axolotl.Storage;

namespace Axolotl.ApiServer.Registry;

/// <summary>
/// Maps resources onto store keys and JSON onto bytes. The stored bytes never hold
/// metadata.resourceVersion: it is the entry's ModRevision, filled in on every read (as etcd does).
/// </summary>
public sealed class ObjectStore(IStore store)
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public IStore Store => store;

    /// <summary>The kinds kept in memory for admission; every write through this store is noted there as it is stored.</summary>
    public Mirrors.StoreMirrors Mirrors { get; } = new();

    public static string Key(ResourceType type, string? ns, string name) =>
        type.Namespaced ? $"/{type.StorageResource}/{ns}/{name}" : $"/{type.StorageResource}/{name}";

    /// <summary>The list/watch prefix: one namespace, or every namespace when ns is null. Always ends in '/'.</summary>
    public static string Prefix(ResourceType type, string? ns) =>
        type.Namespaced && ns is not null ? $"/{type.StorageResource}/{ns}/" : $"/{type.StorageResource}/";

    public async Task<StoredObject?> GetAsync(ResourceType type, string? ns, string name, CancellationToken ct)
    {
        var entry = await store.GetAsync(Key(type, ns, name), ct);
        return entry is null ? null : Decode(entry);
    }

    public async Task<StoredObject> GetRequiredAsync(ResourceType type, string? ns, string name, CancellationToken ct) =>
        await GetAsync(type, ns, name, ct) ?? throw ApiErrors.NotFound(type, name);

    public async Task<StoreListResult> ListAsync(ResourceType type, string? ns, int limit, string? continueToken, CancellationToken ct)
    {
        try
        {
            return await store.ListAsync(Prefix(type, ns), limit, continueToken, ct);
        }
        catch (CompactedException e)
        {
            throw ApiErrors.Gone($"The provided continue parameter is too old to display a consistent list result. {e.Message}");
        }
        catch (ArgumentException e)
        {
            throw ApiErrors.BadRequest($"invalid continue token: {e.Message}");
        }
    }

    /// <summary>The store page a whole-prefix read takes at a time: a page of pods holds about 13 MB of stored bytes.</summary>
    public const int ReadPage = 1000;

    /// <summary>
    /// <paramref name="first"/>'s entries, then every later page's (<see cref="ReadPage"/> at a time) at the same
    /// revision, so that reading a whole prefix holds one page of stored bytes, not all of them. A compaction that passes
    /// that revision between pages ends it with a 410.
    /// </summary>
    public async IAsyncEnumerable<StoreEntry> EntriesFromAsync(ResourceType type, string? ns, StoreListResult first, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(first);
        var page = first;
        while (true)
        {
            foreach (var entry in page.Items)
            {
                yield return entry;
            }
            if (page.Continue is null)
            {
                yield break;
            }
            page = await ListAsync(type, ns, ReadPage, page.Continue, ct);
        }
    }

    /// <summary>resourceVersionMatch=Exact: the list as of <paramref name="revision"/>, upstream's 410 once it is compacted.</summary>
    public async Task<StoreListResult> ListAtRevisionAsync(ResourceType type, string? ns, long revision, int limit, CancellationToken ct)
    {
        try
        {
            return await store.ListAtRevisionAsync(Prefix(type, ns), revision, limit, ct);
        }
        catch (CompactedException)
        {
            throw ApiErrors.Gone("The resourceVersion for the provided list is too old.");
        }
    }

    public async Task<StoredObject> CreateAsync(ResourceType type, JsonObject obj, CancellationToken ct)
    {
        var (ns, name) = NameOf(obj);
        try
        {
            var key = Key(type, ns, name);
            var entry = await store.CreateAsync(key, Encode(obj), ct);
            var stored = Stamp(obj, entry.ModRevision);
            Mirrors.Written(type, key, obj, entry.ModRevision);
            return stored;
        }
        catch (KeyExistsException)
        {
            throw ApiErrors.AlreadyExists(type, name);
        }
    }

    /// <summary>Writes obj if the stored revision is still <paramref name="expectedRevision"/>; a lost race is a 409.</summary>
    public async Task<StoredObject> UpdateAsync(ResourceType type, JsonObject obj, long expectedRevision, CancellationToken ct)
    {
        var (ns, name) = NameOf(obj);
        try
        {
            var key = Key(type, ns, name);
            var entry = await store.UpdateAsync(key, Encode(obj), expectedRevision, ct);
            var stored = Stamp(obj, entry.ModRevision);
            Mirrors.Written(type, key, obj, entry.ModRevision);
            return stored;
        }
        catch (RevisionConflictException)
        {
            throw ApiErrors.Modified(type, name);
        }
        catch (KeyNotFoundInStoreException)
        {
            throw ApiErrors.NotFound(type, name);
        }
    }

    public async Task<StoredObject> DeleteAsync(ResourceType type, string? ns, string name, long expectedRevision, CancellationToken ct)
    {
        try
        {
            var key = Key(type, ns, name);
            var entry = await store.DeleteAsync(key, expectedRevision, ct);
            Mirrors.Deleted(type, key, entry.ModRevision);
            return Decode(entry);
        }
        catch (RevisionConflictException)
        {
            throw ApiErrors.Modified(type, name);
        }
        catch (KeyNotFoundInStoreException)
        {
            throw ApiErrors.NotFound(type, name);
        }
    }

    public static StoredObject Decode(StoreEntry entry)
    {
        var node = JsonNode.Parse(entry.Value.Span) as JsonObject
            ?? throw new InvalidDataException($"stored value of {entry.Key} is not a JSON object");
        return Stamp(node, entry.ModRevision);
    }

    private static StoredObject Stamp(JsonObject obj, long revision)
    {
        var meta = obj["metadata"] as JsonObject;
        if (meta is null)
        {
            meta = [];
            obj["metadata"] = meta;
        }
        meta["resourceVersion"] = revision.ToString(CultureInfo.InvariantCulture);
        return new StoredObject(obj, revision);
    }

    private static byte[] Encode(JsonObject obj)
    {
        var meta = obj["metadata"] as JsonObject;
        var rv = meta?["resourceVersion"];
        meta?.Remove("resourceVersion");
        try
        {
            var buffer = new ArrayBufferWriter<byte>(1024);
            using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
            {
                obj.WriteTo(writer);
            }
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            if (meta is not null && rv is not null)
            {
                meta["resourceVersion"] = rv;
            }
        }
    }

    private static (string? Ns, string Name) NameOf(JsonObject obj)
    {
        var meta = obj["metadata"] as JsonObject;
        return ((string?)meta?["namespace"], (string?)meta?["name"] ?? throw new InvalidOperationException("object without a name"));
    }
}
