using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;

namespace Axolotl.ApiServer.OpenApi;

/// <summary>
/// The OpenAPI v3 discovery kubectl reads for validation, explain and apply: GET /openapi/v3 answers
/// <see cref="IndexJson"/>, GET /openapi/v3/&lt;path&gt; answers <see cref="DocumentJson"/>. The built-ins' documents
/// are built once, by reflecting the models of the served kinds; <see cref="WithCustom"/> adds custom resources'
/// documents from their CRDs' schemas into a new instance. Immutable.
/// </summary>
public sealed class OpenApiV3
{
    private static readonly JsonSerializerOptions WriteOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Dictionary<string, Document> _documents;

    /// <summary>Swagger 2.0 paths and definitions of aggregated API servers that serve no v3 (merged into <see cref="SwaggerJson"/> only).</summary>
    private readonly IReadOnlyList<JsonObject> _remoteSwagger;

    public OpenApiV3()
        : this(KnownResources.All)
    {
    }

    public OpenApiV3(IReadOnlyList<ResourceType> resources)
        : this(Build(resources))
    {
    }

    private OpenApiV3(Dictionary<string, Document> documents, IReadOnlyList<JsonObject>? remoteSwagger = null)
    {
        _documents = documents;
        _remoteSwagger = remoteSwagger ?? [];
        var paths = new JsonObject();
        foreach (var (path, document) in _documents.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            paths[path] = new JsonObject { ["serverRelativeURL"] = "/openapi/v3/" + path + "?hash=" + document.Hash };
        }
        IndexJson = Encoding.UTF8.GetBytes(new JsonObject { ["paths"] = paths }.ToJsonString(WriteOptions));
        _swagger = new Lazy<byte[]>(() => Encoding.UTF8.GetBytes(
            SwaggerV2.Merge(SwaggerV2.Build(_documents.Values.Select(d => (JsonObject)JsonNode.Parse(d.Json)!), GroupVersionDocument.KubernetesVersion), _remoteSwagger).ToJsonString(WriteOptions)));
    }

    /// <summary>
    /// These documents plus those of <paramref name="custom"/> (the custom resources the catalog serves now),
    /// built per group-version; a path these documents already serve keeps its document.
    /// </summary>
    public OpenApiV3 WithCustom(IReadOnlyList<ResourceType> custom)
    {
        ArgumentNullException.ThrowIfNull(custom);
        var documents = new Dictionary<string, Document>(_documents, StringComparer.Ordinal);
        foreach (var (path, document) in Build(custom))
        {
            documents.TryAdd(path, document);
        }
        return new OpenApiV3(documents);
    }

    /// <summary>
    /// These documents with those of aggregated API servers: a remote v3 document takes its group/version's path (the
    /// proxy sends that group/version's requests there, so its document describes what is served); a v2-only one
    /// joins /openapi/v2.
    /// </summary>
    public OpenApiV3 WithRemote(IReadOnlyList<RemoteSpec> remote)
    {
        ArgumentNullException.ThrowIfNull(remote);
        if (remote.Count == 0)
        {
            return this;
        }
        var documents = new Dictionary<string, Document>(_documents, StringComparer.Ordinal);
        var swagger = new List<JsonObject>(_remoteSwagger);
        foreach (var spec in remote)
        {
            if (spec.V3 is { } tree)
            {
                var canonical = (JsonObject)Canonical(tree)!;
                var json = Encoding.UTF8.GetBytes(canonical.ToJsonString(WriteOptions));
                documents[spec.Path] = new Document(json, Convert.ToHexString(SHA512.HashData(json)));
            }
            else if (spec.V2 is { } v2)
            {
                swagger.Add(v2);
            }
        }
        return new OpenApiV3(documents, swagger);
    }

    private readonly Lazy<byte[]> _swagger;

    /// <summary>GET /openapi/v2 as JSON: one Swagger 2.0 document of every group-version, from the same documents.</summary>
    public byte[] SwaggerJson => _swagger.Value;

    /// <summary>{"paths":{"api/v1":{"serverRelativeURL":"/openapi/v3/api/v1?hash=…"},…}}: keys without a leading slash.</summary>
    public byte[] IndexJson { get; }

    /// <summary>The document paths served, such as "api/v1" and "apis/apps/v1".</summary>
    public IReadOnlyCollection<string> Paths => _documents.Keys;

    /// <summary>The document for "api/v1" or "apis/&lt;group&gt;/&lt;version&gt;" (a leading slash is tolerated), or null.</summary>
    public byte[]? DocumentJson(string path) =>
        _documents.TryGetValue(Normalize(path), out var document) ? document.Json : null;

    /// <summary>
    /// The SHA-512 (upper-case hex) the index puts in each serverRelativeURL. When a request's hash query matches,
    /// upstream answers with "Cache-Control: public, immutable" and an ETag of the hash; kubectl caches on it.
    /// </summary>
    public string? DocumentHash(string path) =>
        _documents.TryGetValue(Normalize(path), out var document) ? document.Hash : null;

    private static Dictionary<string, Document> Build(IReadOnlyList<ResourceType> resources)
    {
        ArgumentNullException.ThrowIfNull(resources);
        var models = typeof(KnownResources).Assembly.GetExportedTypes();
        var documents = new Dictionary<string, Document>(StringComparer.Ordinal);
        foreach (var groupVersion in resources.GroupBy(r => (r.Group, r.Version)).OrderBy(g => g.Key.Group, StringComparer.Ordinal))
        {
            var (group, version) = groupVersion.Key;
            var tree = (JsonObject)Canonical(GroupVersionDocument.Build(group, version, [.. groupVersion], (g, kind) => FindModel(models, g, kind)))!;
            var json = Encoding.UTF8.GetBytes(tree.ToJsonString(WriteOptions));
            documents[PathOf(group, version)] = new Document(json, Convert.ToHexString(SHA512.HashData(json)));
        }
        return documents;
    }

    private static string Normalize(string path) => (path ?? "").TrimStart('/');

    private static string PathOf(string group, string version) => group.Length == 0 ? "api/" + version : "apis/" + group + "/" + version;

    /// <summary>The model class of a subresource kind, e.g. Axolotl.Api.Autoscaling.Scale for autoscaling/Scale.</summary>
    private static Type? FindModel(Type[] models, string group, string kind)
    {
        var suffix = "." + SchemaNames.NamespaceSegment(group);
        return models.FirstOrDefault(t => t.IsClass && !t.IsAbstract && t.Name == kind && (t.Namespace ?? "").EndsWith(suffix, StringComparison.Ordinal));
    }

    /// <summary>Sorts object keys, as upstream's documents are, so output and hashes are stable.</summary>
    private static JsonNode? Canonical(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, Canonical(p.Value))).ToList()),
        JsonArray array => new JsonArray([.. array.Select(Canonical)]),
        JsonValue value => value.DeepClone(),
        _ => null,
    };

    /// <summary>
    /// A served document as its bytes only: the trees they were written from (about 19,000 JsonObjects, 7 MB of
    /// the idle server's heap) are parsed again from them on the rare request for /openapi/v2.
    /// </summary>
    private sealed record Document(byte[] Json, string Hash);
}
