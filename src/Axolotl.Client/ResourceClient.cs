using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.Api.Serialization;

namespace Axolotl.Client;

/// <summary>
/// REST operations on one resource type. <typeparamref name="T"/> is the decoded shape: a modelled
/// kind, <see cref="Unstructured"/>, or <see cref="JsonObject"/>. Namespaced calls take the namespace
/// explicitly; null lists across all namespaces. Non-2xx answers throw <see cref="KubeApiException"/>.
/// </summary>
public sealed class ResourceClient<T>
    where T : class
{
    private readonly KubeClient _client;

    internal ResourceClient(KubeClient client, ResourceType resource)
    {
        _client = client;
        Resource = resource;
    }

    public ResourceType Resource { get; }

    public Task<T> GetAsync(string? ns, string name, CancellationToken ct) =>
        _client.SendAsync<T>(HttpMethod.Get, Path(ns, name), null, ct);

    /// <summary>Like <see cref="GetAsync"/> but null when the object does not exist.</summary>
    public async Task<T?> TryGetAsync(string? ns, string name, CancellationToken ct)
    {
        try
        {
            return await GetAsync(ns, name, ct);
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            return null;
        }
    }

    /// <summary>One page (or everything when no limit is set); the list's resourceVersion is the revision to watch from.</summary>
    public async Task<KubeList<T>> ListAsync(string? ns, ListOptions? options, CancellationToken ct)
    {
        var node = await _client.SendForNodeAsync(HttpMethod.Get, Path(ns, null) + Query(options, watch: false), null, ct)
            ?? throw new InvalidDataException($"list {Resource.QualifiedResource}: empty body");
        var meta = node["metadata"]?.Deserialize<ListMeta>(KubeJson.Options) ?? new ListMeta();
        var items = new List<T>();
        if (node["items"] is JsonArray array)
        {
            foreach (var element in array)
            {
                if (element is null)
                {
                    continue;
                }
                var item = element.Deserialize<T>(KubeJson.Options)
                    ?? throw new InvalidDataException($"list {Resource.QualifiedResource}: an item decoded to null");
                ObjectAccessor.FillTypeMeta(item, Resource);
                items.Add(item);
            }
        }
        return new KubeList<T>(items, meta.ResourceVersion, string.IsNullOrEmpty(meta.Continue) ? null : meta.Continue, meta.RemainingItemCount);
    }

    /// <summary>Every page of a list, following continue tokens; the resourceVersion is the first page's.</summary>
    public async Task<KubeList<T>> ListAllAsync(string? ns, ListOptions? options, CancellationToken ct)
    {
        options ??= new ListOptions();
        var first = await ListAsync(ns, options, ct);
        if (first.Continue is null)
        {
            return first;
        }
        var items = new List<T>(first.Items);
        var next = first.Continue;
        while (next is not null)
        {
            var page = await ListAsync(ns, options with { Continue = next, ResourceVersion = null }, ct);
            items.AddRange(page.Items);
            next = page.Continue;
        }
        return new KubeList<T>(items, first.ResourceVersion, null, null);
    }

    /// <summary>POSTs the object to its collection; the namespace comes from its metadata.</summary>
    public Task<T> CreateAsync(T value, CancellationToken ct)
    {
        var (ns, _) = ObjectAccessor.Identity(value);
        RequireNamespace(ns);
        return _client.SendAsync<T>(HttpMethod.Post, Path(ns, null), KubeClient.JsonContent(ObjectAccessor.ToBody(value, Resource)), ct);
    }

    /// <summary>PUTs the whole object; its metadata.resourceVersion makes this a compare-and-swap (409 when stale).</summary>
    public Task<T> UpdateAsync(T value, CancellationToken ct) => UpdateSubresourceAsync(value, null, ct);

    /// <summary>PUTs the object to its status subresource: only status changes are kept.</summary>
    public Task<T> UpdateStatusAsync(T value, CancellationToken ct) => UpdateSubresourceAsync(value, "status", ct);

    /// <summary>PUTs the object to a subresource such as "status" or "finalize" (null: the object itself).</summary>
    public Task<T> UpdateSubresourceAsync(T value, string? subresource, CancellationToken ct)
    {
        var (ns, name) = ObjectAccessor.Identity(value);
        RequireNamespace(ns);
        if (string.IsNullOrEmpty(name))
        {
            throw new ArgumentException("an update needs metadata.name", nameof(value));
        }
        return _client.SendAsync<T>(HttpMethod.Put, Path(ns, name, subresource), KubeClient.JsonContent(ObjectAccessor.ToBody(value, Resource)), ct);
    }

    public Task<T> PatchAsync(string? ns, string name, PatchType type, string patch, CancellationToken ct) =>
        PatchAsync(ns, name, type, patch, subresource: null, ct);

    /// <summary>PATCHes the object (or a subresource such as "status" or "scale") with a body in the given format.</summary>
    public Task<T> PatchAsync(string? ns, string name, PatchType type, string patch, string? subresource, CancellationToken ct) =>
        _client.SendAsync<T>(HttpMethod.Patch, Path(ns, name, subresource), KubeClient.RawContent(patch, type.ContentType()), ct);

    public Task<T> PatchAsync(string? ns, string name, PatchType type, JsonNode patch, CancellationToken ct) =>
        PatchAsync(ns, name, type, patch.ToJsonString(KubeJson.Options), subresource: null, ct);

    /// <summary>
    /// DELETEs the object. Returns the object the server answered with, or null when it answered with
    /// a Status. An object with a deletionTimestamp still exists while its grace period or finalizers
    /// run; one without is the final state of an object already removed.
    /// </summary>
    public async Task<T?> DeleteAsync(string? ns, string name, DeleteOptions? options, CancellationToken ct)
    {
        var body = JsonSerializer.SerializeToNode(options ?? new DeleteOptions(), KubeJson.Options)!.AsObject();
        body["kind"] ??= "DeleteOptions";
        body["apiVersion"] ??= "v1";
        var node = await _client.SendForNodeAsync(HttpMethod.Delete, Path(ns, name), KubeClient.JsonContent(body), ct);
        if (node is null || node["kind"]?.GetValue<string>() == "Status")
        {
            return null;
        }
        return node.Deserialize<T>(KubeJson.Options);
    }

    /// <summary>GETs a subresource such as "scale", decoded as <typeparamref name="TResult"/>.</summary>
    public Task<TResult> GetSubresourceAsync<TResult>(string? ns, string name, string subresource, CancellationToken ct) =>
        _client.SendAsync<TResult>(HttpMethod.Get, Path(ns, name, subresource), null, ct);

    /// <summary>POSTs to a subresource such as "binding" or "eviction"; returns the answer as JSON (a Status or an object).</summary>
    public Task<JsonNode?> CreateSubresourceAsync<TBody>(string? ns, string name, string subresource, TBody body, CancellationToken ct) =>
        _client.SendForNodeAsync(HttpMethod.Post, Path(ns, name, subresource), KubeClient.JsonContent(ToNode(body)), ct);

    /// <summary>PUTs to a subresource such as "scale", decoded as <typeparamref name="TResult"/>.</summary>
    public Task<TResult> ReplaceSubresourceAsync<TBody, TResult>(string? ns, string name, string subresource, TBody body, CancellationToken ct) =>
        _client.SendAsync<TResult>(HttpMethod.Put, Path(ns, name, subresource), KubeClient.JsonContent(ToNode(body)), ct);

    /// <summary>
    /// Streams changes after <see cref="ListOptions.ResourceVersion"/> until the server ends the watch or
    /// <paramref name="ct"/> fires. A start revision that is too old arrives as an Error event with code
    /// 410, or as a <see cref="KubeApiException"/> with <see cref="KubeApiException.IsGone"/>.
    /// </summary>
    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync(string? ns, ListOptions? options, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var line in _client.StreamAsync(Path(ns, null) + Query(options, watch: true), ct))
        {
            yield return ParseEvent(line);
        }
    }

    internal WatchEvent<T> ParseEvent(JsonObject line)
    {
        var typeText = line["type"]?.GetValue<string>();
        var type = typeText switch
        {
            "ADDED" => WatchEventType.Added,
            "MODIFIED" => WatchEventType.Modified,
            "DELETED" => WatchEventType.Deleted,
            "BOOKMARK" => WatchEventType.Bookmark,
            "ERROR" => WatchEventType.Error,
            _ => throw new InvalidDataException($"watch {Resource.QualifiedResource}: unknown event type \"{typeText}\""),
        };
        var obj = line["object"];
        if (type == WatchEventType.Error)
        {
            var status = obj?.Deserialize<Status>(KubeJson.Options) ?? new Status { Code = 500, Message = "watch error without a Status" };
            return new WatchEvent<T>(type, null, status);
        }
        if (obj is null)
        {
            throw new InvalidDataException($"watch {Resource.QualifiedResource}: {typeText} event without an object");
        }
        var value = obj.Deserialize<T>(KubeJson.Options)
            ?? throw new InvalidDataException($"watch {Resource.QualifiedResource}: the object decoded to null");
        if (type != WatchEventType.Bookmark)
        {
            ObjectAccessor.FillTypeMeta(value, Resource);
        }
        return new WatchEvent<T>(type, value);
    }

    /// <summary>The REST path: /api/v1/namespaces/{ns}/pods/{name}/{subresource} or /apis/{group}/{version}/….</summary>
    public string Path(string? ns, string? name, string? subresource = null)
    {
        var path = new StringBuilder(Resource.Group.Length == 0 ? $"/api/{Resource.Version}" : $"/apis/{Resource.Group}/{Resource.Version}");
        if (Resource.Namespaced && !string.IsNullOrEmpty(ns))
        {
            path.Append("/namespaces/").Append(Uri.EscapeDataString(ns));
        }
        path.Append('/').Append(Resource.Plural);
        if (!string.IsNullOrEmpty(name))
        {
            path.Append('/').Append(Uri.EscapeDataString(name));
            if (!string.IsNullOrEmpty(subresource))
            {
                path.Append('/').Append(subresource);
            }
        }
        return path.ToString();
    }

    private static string Query(ListOptions? options, bool watch)
    {
        var parts = new List<string>();
        if (watch)
        {
            parts.Add("watch=true");
        }
        if (options is not null)
        {
            parts.AddRange(options.ToQuery().Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}"));
        }
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }

    private void RequireNamespace(string? ns)
    {
        if (Resource.Namespaced && string.IsNullOrEmpty(ns))
        {
            throw new ArgumentException($"{Resource.QualifiedResource} are namespaced: set metadata.namespace");
        }
    }

    private static JsonNode ToNode<TBody>(TBody body) =>
        body as JsonNode ?? JsonSerializer.SerializeToNode(body, KubeJson.Options)
        ?? throw new ArgumentException("the body serialized to null", nameof(body));
}
