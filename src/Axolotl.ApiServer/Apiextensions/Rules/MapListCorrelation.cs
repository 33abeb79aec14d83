using System.Text.Json.Nodes;
using Axolotl.Api.Apiextensions.Schema;
using Axolotl.Api.Apiextensions.Structural;

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
            if (CorrelatedObject.ListMapKey(item, list.ListMapKeys) is { } key)
            {
                byKey.TryAdd(key, item);
            }
        }
        return new MapListCorrelation(byKey, list.ListMapKeys);
    }

    // An item without a full scalar key has no old self, as in upstream's MapList.
    public JsonNode? OldOf(JsonNode? item) =>
        _byKey is not null && item is JsonObject o && CorrelatedObject.ListMapKey(o, _keys) is { } key && _byKey.TryGetValue(key, out var old) ? old : null;
}
