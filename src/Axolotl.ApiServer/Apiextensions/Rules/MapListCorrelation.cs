using System.Text.Json.Nodes;
using Axolotl.Api.Apiextensions.Schema;

namespace Axolotl.ApiServer.Apiextensions.Rules;

/// <summary>
/// Finds the old item of a list an item corresponds to. Only a list of type map correlates, by its key fields: an
/// item of a plain list or a set has no old value, so transition rules never run on it (upstream's makeMapList).
/// </summary>
internal sealed class MapListCorrelation
{
    private static readonly MapListCorrelation None = new(null, []);

    private readonly Dictionary<string, JsonNode>? _byKey;
    private readonly IReadOnlyList<string> _keys;

    private MapListCorrelation(Dictionary<string, JsonNode>? byKey, IReadOnlyList<string> keys)
    {
        _byKey = byKey;
        _keys = keys;
    }

    public static MapListCorrelation For(JsonSchemaProps list, JsonArray? old)
    {
        if (old is null || list.ListType != "map" || list.ListMapKeys.Count == 0)
        {
            return None;
        }
        var byKey = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
        foreach (var item in old.OfType<JsonObject>())
        {
            byKey.TryAdd(Key(item, list.ListMapKeys), item);
        }
        return new MapListCorrelation(byKey, list.ListMapKeys);
    }

    public JsonNode? OldOf(JsonNode? item) =>
        _byKey is not null && item is JsonObject o && _byKey.TryGetValue(Key(o, _keys), out var old) ? old : null;

    // The key fields' JSON, so that 1 and "1" are different keys as they are to upstream.
    private static string Key(JsonObject item, IReadOnlyList<string> keys) =>
        string.Join('\u0000', keys.Select(k => item[k]?.ToJsonString() ?? "null"));
}
