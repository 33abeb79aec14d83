using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.ApiServer.OpenApi;
using Microsoft.Extensions.Logging;

namespace Axolotl.ApiServer.Aggregation;

/// <summary>
/// kube-aggregator's OpenAPI aggregation controllers: for every Available remote APIService, the backend's OpenAPI, so
/// that kubectl explain and client-side validation know its kinds. v3 first: the backend's /openapi/v3 index names the
/// document of apis/GROUP/VERSION, which is fetched and served from here; a backend without one gives its /openapi/v2,
/// whose paths under the group/version and definitions join ours. Fetched when the APIServices change and every
/// minute (upstream's resync); each answer bounded by <see cref="RemoteFetcher"/>'s timeout and <see cref="MaxDocumentBytes"/>.
/// A backend that fails or answers something that is not such a document is logged and keeps its last good document
/// (none at first); an APIService that is gone or not Available takes its document with it.
/// </summary>
public sealed partial class RemoteOpenApi(ApiServiceCache apiServices, RemoteFetcher fetcher, TimeProvider clock, ILogger<RemoteOpenApi> logger)
{
    public static readonly TimeSpan RefreshPeriod = TimeSpan.FromMinutes(1);

    /// <summary>Larger than any group/version's document kube-apiserver itself serves (apps/v1 is about 1 MiB).</summary>
    public const long MaxDocumentBytes = 16 << 20;

    private const long MaxIndexBytes = 1 << 20;

    private readonly RefreshSignal _signal = new(clock);
    private readonly Dictionary<string, RemoteSpec> _specs = new(StringComparer.Ordinal);
    private volatile RemoteSpecs _current = RemoteSpecs.None;

    public RemoteSpecs Current => _current;

    public async Task RunAsync(CancellationToken ct)
    {
        apiServices.Changed += _signal.Wake;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await RefreshAsync(apiServices.Current, ct);
                await _signal.WaitAsync(RefreshPeriod, ct);
            }
        }
        finally
        {
            apiServices.Changed -= _signal.Wake;
        }
    }

    /// <summary>One round: every Available remote's document fetched again; <see cref="Current"/> replaced if anything changed.</summary>
    public async Task RefreshAsync(ApiServiceSnapshot snapshot, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var changed = false;
        foreach (var remote in snapshot.Remote.Values)
        {
            if (!remote.Available)
            {
                changed |= _specs.Remove(remote.GroupVersion);
                continue;
            }
            if (await FetchAsync(remote, ct) is { } spec && _specs.GetValueOrDefault(remote.GroupVersion)?.Hash != spec.Hash)
            {
                _specs[remote.GroupVersion] = spec;
                changed = true;
            }
        }
        foreach (var gone in _specs.Keys.Where(k => !snapshot.Remote.ContainsKey(k)).ToList())
        {
            changed |= _specs.Remove(gone);
        }
        if (changed)
        {
            _current = new RemoteSpecs(_current.Version + 1, [.. _specs.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => s.Value)]);
        }
    }

    private async Task<RemoteSpec?> FetchAsync(RemoteApiService remote, CancellationToken ct)
    {
        var path = $"apis/{remote.Group}/{remote.Version}";
        var (index, indexError) = await fetcher.GetAsync(remote, "/openapi/v3", MaxIndexBytes, ct);
        if (index is not null)
        {
            var url = DocumentUrl(index, path, out var why);
            if (url is null)
            {
                LogSkipped(logger, remote.GroupVersion, "/openapi/v3", why!);
            }
            else
            {
                var (document, error) = await fetcher.GetAsync(remote, url, MaxDocumentBytes, ct);
                if (document is null)
                {
                    LogSkipped(logger, remote.GroupVersion, url, error!);
                    return null;
                }
                return Parse(document, "paths", out why) is { } tree
                    ? new RemoteSpec(path, tree, null, Hash(document))
                    : Skip(remote, url, why!);
            }
        }
        else if (indexError != "HTTP 404")
        {
            LogSkipped(logger, remote.GroupVersion, "/openapi/v3", indexError!);
            return null;
        }
        var (swagger, swaggerError) = await fetcher.GetAsync(remote, "/openapi/v2", MaxDocumentBytes, ct);
        if (swagger is null)
        {
            LogSkipped(logger, remote.GroupVersion, "/openapi/v2", swaggerError!);
            return null;
        }
        return Parse(swagger, "swagger", out var reason) is { } v2
            ? new RemoteSpec(path, null, OwnPaths(v2, "/" + path), Hash(swagger))
            : Skip(remote, "/openapi/v2", reason!);
    }

    private RemoteSpec? Skip(RemoteApiService remote, string url, string why)
    {
        LogSkipped(logger, remote.GroupVersion, url, why);
        return null;
    }

    /// <summary>Where the index says the group/version's document is: a path under /openapi/v3/ on the same server.</summary>
    private static string? DocumentUrl(byte[] index, string path, out string? why)
    {
        var tree = Parse(index, "paths", out why);
        var url = tree?["paths"]?[path]?["serverRelativeURL"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
        if (tree is not null && url is null)
        {
            why = $"its index lists no {path}";
        }
        else if (url is not null && !url.StartsWith("/openapi/v3/", StringComparison.Ordinal))
        {
            why = $"its index names {url}, not a document under /openapi/v3/";
            url = null;
        }
        return url;
    }

    /// <summary>A JSON object holding <paramref name="required"/>, or null with why not.</summary>
    private static JsonObject? Parse(byte[] body, string required, out string? why)
    {
        try
        {
            if (JsonNode.Parse(body) is JsonObject tree && tree[required] is not null)
            {
                why = null;
                return tree;
            }
            why = $"not an OpenAPI document (no \"{required}\")";
        }
        catch (JsonException e)
        {
            why = e.Message;
        }
        return null;
    }

    /// <summary>A Swagger document cut to the group/version's own paths (and every definition they may use).</summary>
    private static JsonObject OwnPaths(JsonObject swagger, string prefix)
    {
        var paths = new JsonObject();
        foreach (var (name, item) in swagger["paths"] as JsonObject ?? [])
        {
            if (name == prefix || name.StartsWith(prefix + "/", StringComparison.Ordinal))
            {
                paths[name] = item?.DeepClone();
            }
        }
        return new JsonObject { ["paths"] = paths, ["definitions"] = (swagger["definitions"] as JsonObject)?.DeepClone() ?? new JsonObject() };
    }

    private static string Hash(byte[] body) => Convert.ToHexString(SHA256.HashData(body));

    [LoggerMessage(Level = LogLevel.Information, Message = "OpenAPI of aggregated {GroupVersion} skipped: {Url}: {Error}")]
    private static partial void LogSkipped(ILogger logger, string groupVersion, string url, string error);
}
