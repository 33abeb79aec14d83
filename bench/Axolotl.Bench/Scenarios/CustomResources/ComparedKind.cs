using System.Net;
using System.Text.Json;
using Axolotl.Bench.Infrastructure;
using Axolotl.Bench.Measurement;

namespace Axolotl.Bench.Scenarios.CustomResources;

/// <summary>
/// One side of the comparison (the Widget or the ConfigMap): where its objects live, how its bodies are built,
/// a series per operation, and the resourceVersion of each object it created (what its next update must carry).
/// </summary>
internal sealed class ComparedKind(string label, Func<string, string> collectionPath, Func<string, string, int, string?, byte[]> body)
{
    private readonly Dictionary<string, string> _resourceVersions = [];

    public string Label { get; } = label;
    public LatencySamples Create { get; } = new($"create, {label}");
    public LatencySamples WatchDelay { get; } = new($"watch delay (create sent → ADDED), {label}");
    public LatencySamples Get { get; } = new($"get, {label}");
    public LatencySamples List { get; } = new($"list, {label}");
    public LatencySamples Update { get; } = new($"update (PUT), {label}");

    public string CollectionPath(string ns) => collectionPath(ns);

    public string ObjectPath(string ns, string name) => $"{collectionPath(ns)}/{name}";

    public byte[] Body(string ns, string name, int revision) => body(ns, name, revision, null);

    /// <summary>An update's body: the next revision, carrying the resourceVersion the last write answered.</summary>
    public byte[] UpdateBody(string ns, string name, int revision) => body(ns, name, revision, _resourceVersions[name]);

    /// <summary>Keeps the resourceVersion of a create's or update's answer (after the clock stopped).</summary>
    public void Remember(string name, byte[] answer)
    {
        using var doc = JsonDocument.Parse(answer);
        _resourceVersions[name] = doc.RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString()
            ?? throw new InvalidDataException($"{Label} {name}: the answer has no resourceVersion");
    }

    public static Task<byte[]> PutAsync(ApiClient api, string path, byte[] body, CancellationToken ct) =>
        api.SendAsync(HttpMethod.Put, path, body, accept: null, HttpStatusCode.OK, ct);

    /// <summary>A fast list that returned the wrong objects would be a fake result: count the benchmark's own once.</summary>
    public void CheckList(byte[] list, int expected)
    {
        using var doc = JsonDocument.Parse(list);
        var ours = doc.RootElement.GetProperty("items").EnumerateArray()
            .Count(item => item.GetProperty("metadata").GetProperty("name").GetString()?.StartsWith("bench-", StringComparison.Ordinal) == true);
        if (ours != expected)
        {
            throw new InvalidOperationException($"list of {Label}: want {expected} bench objects, got {ours} ({list.Length} bytes)");
        }
    }
}
