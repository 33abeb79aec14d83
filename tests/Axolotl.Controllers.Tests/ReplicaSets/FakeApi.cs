using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Api.Meta;
using Axolotl.Api.Patch;
using Axolotl.Api.Serialization;
using Axolotl.Client;
using Axolotl.Testing;

namespace Axolotl.Controllers.Tests.ReplicaSets;

/// <summary>
/// A small in-memory API server behind <see cref="FakeHttpHandler"/> for reconciler tests: create
/// (generateName, uid, resourceVersion, generation), get, list, update and status update with
/// resourceVersion preconditions, merge patches, and delete. Every request stays recorded, so a test
/// can assert on the writes a reconcile made (the action log) and then copy the stored state into
/// its fake caches to take the next step. <see cref="Intercept"/> injects failures.
/// </summary>
internal sealed class FakeApi : IDisposable
{
    private readonly Dictionary<string, JsonObject> _objects = new(StringComparer.Ordinal);
    private readonly FakeTimeProvider _time;
    private long _revision = 100;
    private int _names;

    public FakeApi(FakeTimeProvider time)
    {
        _time = time;
        Http.Fallback(Handle);
        Client = KubeClient.Create(new Uri("https://api.test"), Http);
    }

    public FakeHttpHandler Http { get; } = new();

    public KubeClient Client { get; }

    /// <summary>Answers a request first when it returns non-null (e.g. a 403 for pod creates).</summary>
    public Func<RecordedRequest, HttpResponseMessage?>? Intercept { get; set; }

    /// <summary>Every request but reads (GET), in order.</summary>
    public IReadOnlyList<RecordedRequest> Writes =>
        Http.Requests.Where(r => r.Method != HttpMethod.Get && !r.Path.EndsWith("/events", StringComparison.Ordinal)).ToList();

    /// <summary>Stores <paramref name="obj"/> as if it had been created (uid, resourceVersion and timestamps filled in) and returns the stored copy.</summary>
    public T Seed<T>(T obj)
        where T : KubeObject
    {
        var resource = Axolotl.Api.Scheme.KnownResources.ForType<T>();
        var node = KubeJson.ToNode(obj, obj.GetType());
        node["apiVersion"] ??= resource.ApiVersion;
        node["kind"] ??= resource.Kind;
        var stored = Store(Collection<T>(obj.Metadata.Namespace), node, create: true);
        return stored.Deserialize<T>(KubeJson.Options)!;
    }

    public T? Get<T>(string ns, string name)
        where T : KubeObject
    {
        lock (_objects)
        {
            return _objects.TryGetValue($"{Collection<T>(ns)}/{name}", out var node) ? node.Deserialize<T>(KubeJson.Options) : null;
        }
    }

    public List<T> List<T>(string ns)
        where T : KubeObject
    {
        var collection = Collection<T>(ns) + "/";
        lock (_objects)
        {
            return _objects.Where(p => p.Key.StartsWith(collection, StringComparison.Ordinal) && !p.Key[collection.Length..].Contains('/'))
                .Select(p => p.Value.Deserialize<T>(KubeJson.Options)!)
                .ToList();
        }
    }

    /// <summary>Events written so far (the recorder writes asynchronously: flush it first).</summary>
    public List<(string Type, string Reason, string Message, string Object)> Events()
    {
        lock (_objects)
        {
            return EventsLocked();
        }
    }

    private List<(string Type, string Reason, string Message, string Object)> EventsLocked() =>
        _objects.Where(p => p.Key.Contains("/events/", StringComparison.Ordinal))
            .Select(p => p.Value)
            .OrderBy(e => e["metadata"]!["name"]!.GetValue<string>(), StringComparer.Ordinal)
            .Select(e => (e["type"]!.GetValue<string>(), e["reason"]!.GetValue<string>(), e["message"]!.GetValue<string>(),
                $"{e["involvedObject"]!["kind"]}/{e["involvedObject"]!["name"]}"))
            .ToList();

    /// <summary>Changes a stored object in place (a kubelet reporting status, a user scaling) with a new resourceVersion.</summary>
    public T Mutate<T>(string ns, string name, Action<T> change)
        where T : KubeObject
    {
        var key = Collection<T>(ns) + "/" + name;
        lock (_objects)
        {
            var obj = _objects[key].Deserialize<T>(KubeJson.Options)!;
            change(obj);
            var node = KubeJson.ToNode(obj, obj.GetType());
            node["metadata"]!["resourceVersion"] = NextRevision();
            _objects[key] = node;
            return node.Deserialize<T>(KubeJson.Options)!;
        }
    }

    public void Remove<T>(string ns, string name)
        where T : KubeObject
    {
        lock (_objects)
        {
            _objects.Remove(Collection<T>(ns) + "/" + name);
        }
    }

    private string Collection<T>(string? ns)
        where T : KubeObject => Client.Resource<T>().Path(ns, null);

    public void Dispose() => Client.Dispose();

    private HttpResponseMessage? Handle(RecordedRequest request)
    {
        if (Intercept?.Invoke(request) is { } intercepted)
        {
            return intercepted;
        }
        var (collection, name, subresource) = Split(request.Path);
        var key = $"{collection}/{name}";
        lock (_objects)
        {
            if (request.Method == HttpMethod.Get)
            {
                if (name is null)
                {
                    var items = _objects.Where(p => p.Key.StartsWith(collection + "/", StringComparison.Ordinal)).Select(p => p.Value).ToArray();
                    return FakeHttpHandler.JsonText(new JsonObject { ["kind"] = "List", ["metadata"] = new JsonObject { ["resourceVersion"] = _revision.ToString(CultureInfo.InvariantCulture) }, ["items"] = new JsonArray(items.Select(i => (JsonNode)i.DeepClone()).ToArray()) }.ToJsonString());
                }
                return _objects.TryGetValue(key, out var found) ? Ok(found) : NotFound(name);
            }
            if (request.Method == HttpMethod.Post)
            {
                var body = request.Json!;
                var newName = body["metadata"]?["name"]?.GetValue<string>();
                if (newName is not null && _objects.ContainsKey($"{collection}/{newName}"))
                {
                    return FakeHttpHandler.Status(409, "AlreadyExists", $"\"{newName}\" already exists");
                }
                return Ok(Store(collection, body, create: true), HttpStatusCode.Created);
            }
            if (!_objects.TryGetValue(key, out var current))
            {
                return NotFound(name);
            }
            if (request.Method == HttpMethod.Delete)
            {
                var uid = request.Json?["preconditions"]?["uid"]?.GetValue<string>();
                if (uid is not null && uid != current["metadata"]!["uid"]!.GetValue<string>())
                {
                    return FakeHttpHandler.Status(409, "Conflict", "Precondition failed: UID in precondition");
                }
                _objects.Remove(key);
                return FakeHttpHandler.JsonText("""{"kind":"Status","apiVersion":"v1","status":"Success"}""");
            }
            var proposed = request.Method == HttpMethod.Patch
                ? (JsonObject)JsonMergePatch.Apply(current.DeepClone(), request.Json!)!
                : request.Json!;
            var expected = (request.Method == HttpMethod.Patch ? request.Json!["metadata"]?["resourceVersion"] : proposed["metadata"]?["resourceVersion"])?.GetValue<string>();
            if (expected is not null && expected != current["metadata"]!["resourceVersion"]!.GetValue<string>())
            {
                return FakeHttpHandler.Status(409, "Conflict", $"Operation cannot be fulfilled on {collection} \"{name}\": the object has been modified; please apply your changes to the latest version and try again");
            }
            var next = (JsonObject)current.DeepClone();
            if (subresource == "status")
            {
                next["status"] = proposed["status"]?.DeepClone();
            }
            else
            {
                var specChanged = !JsonNode.DeepEquals(current["spec"], proposed["spec"]);
                next = (JsonObject)proposed.DeepClone();
                next["status"] = current["status"]?.DeepClone();
                var meta = next["metadata"]!.AsObject();
                foreach (var field in (string[])["uid", "creationTimestamp", "generation"])
                {
                    meta[field] = current["metadata"]![field]?.DeepClone();
                }
                if (specChanged)
                {
                    // Whatever number type the stored generation was written with (a seeded object's may be an int).
                    var generation = current["metadata"]!["generation"] is { } g ? long.Parse(g.ToJsonString(), CultureInfo.InvariantCulture) : 1;
                    meta["generation"] = generation + 1;
                }
            }
            next["metadata"]!["resourceVersion"] = NextRevision();
            _objects[key] = next;
            return Ok(next);
        }
    }

    private JsonObject Store(string collection, JsonObject body, bool create)
    {
        var obj = (JsonObject)body.DeepClone();
        var meta = obj["metadata"]!.AsObject();
        if (meta["name"] is null)
        {
            meta["name"] = meta["generateName"]!.GetValue<string>() + PodTemplateSuffix(Interlocked.Increment(ref _names));
        }
        if (create)
        {
            meta["uid"] ??= $"uid-{meta["name"]!.GetValue<string>()}";
            meta["creationTimestamp"] ??= KubeTimeConverter.Format(_time.GetUtcNow());
            meta["generation"] ??= 1;
        }
        meta["resourceVersion"] = NextRevision();
        lock (_objects)
        {
            _objects[$"{collection}/{meta["name"]!.GetValue<string>()}"] = obj;
        }
        return obj;
    }

    private string NextRevision() => Interlocked.Increment(ref _revision).ToString(CultureInfo.InvariantCulture);

    /// <summary>Five lowercase letters from a counter, like the API server's random suffix.</summary>
    private static string PodTemplateSuffix(int n) =>
        string.Concat(Enumerable.Range(0, 5).Select(i => (char)('a' + (n / (int)Math.Pow(26, 4 - i) % 26))));

    /// <summary>"/api/v1/namespaces/ns/pods/name/status" into ("/api/v1/namespaces/ns/pods", "name", "status").</summary>
    private static (string Collection, string? Name, string? Subresource) Split(string path)
    {
        var parts = path.Trim('/').Split('/');
        // /api/v1/… or /apis/group/v1/…, then namespaces/<ns>/<plural> for a namespaced resource or <plural> for a cluster-scoped one.
        var first = parts[0] == "api" ? 2 : 3;
        var plural = parts.Length > first + 2 && parts[first] == "namespaces" ? first + 2 : first;
        var collection = "/" + string.Join('/', parts.Take(plural + 1));
        return (collection, parts.Length > plural + 1 ? parts[plural + 1] : null, parts.Length > plural + 2 ? parts[plural + 2] : null);
    }

    private static HttpResponseMessage Ok(JsonObject obj, HttpStatusCode code = HttpStatusCode.OK) =>
        FakeHttpHandler.JsonText(obj.ToJsonString(KubeJson.Options), code);

    private static HttpResponseMessage NotFound(string? name) => FakeHttpHandler.Status(404, "NotFound", $"\"{name}\" not found");
}
