using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace Axolotl.Api.Serialization;

/// <summary>
/// Rewrites JSON nulls that Go's decoder would turn into zero values, guided by the typed model: a null
/// list element becomes the element's zero value (an empty object, "", 0, false), a null value in a map
/// of strings "". So <c>data: {a: ~}</c> stores <c>a: ""</c> as upstream does, and <c>containers: [null]</c>
/// is an empty container that validation then names, instead of a null the server trips over.
/// Recurses as deep as the body, whose depth the reader has already capped.
/// </summary>
public static class GoNulls
{
    public static void Normalize(JsonNode? node, Type type) => Normalize(node, KubeJson.Options.GetTypeInfo(type));

    private static void Normalize(JsonNode? node, JsonTypeInfo info)
    {
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object when node is JsonObject obj:
                // The body's own fields, each looked up in the type: a pod's types have many more fields than it sets.
                var properties = Properties.GetValue(info, Describe);
                foreach (var (name, child) in obj)
                {
                    if (child is not null && properties.TryGetValue(name, out var childInfo))
                    {
                        Normalize(child, childInfo);
                    }
                }
                break;
            case JsonTypeInfoKind.Enumerable when node is JsonArray array && info.ElementType is { } elementType:
                var elementInfo = KubeJson.Options.GetTypeInfo(elementType);
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is null)
                    {
                        array[i] = Zero(elementInfo);
                    }
                    else
                    {
                        Normalize(array[i], elementInfo);
                    }
                }
                break;
            case JsonTypeInfoKind.Dictionary when node is JsonObject map && info.ElementType is { } valueType:
                var valueInfo = KubeJson.Options.GetTypeInfo(valueType);
                foreach (var key in map.Select(p => p.Key).ToList())
                {
                    if (map[key] is null)
                    {
                        if (valueType == typeof(string) || valueType == typeof(byte[]))
                        {
                            map[key] = "";
                        }
                    }
                    else
                    {
                        Normalize(map[key], valueInfo);
                    }
                }
                break;
        }
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<JsonTypeInfo, Dictionary<string, JsonTypeInfo>> Properties = new();

    private static Dictionary<string, JsonTypeInfo> Describe(JsonTypeInfo info)
    {
        var properties = new Dictionary<string, JsonTypeInfo>(StringComparer.Ordinal);
        foreach (var property in info.Properties)
        {
            properties[property.Name] = KubeJson.Options.GetTypeInfo(property.PropertyType);
        }
        return properties;
    }

    private static JsonNode? Zero(JsonTypeInfo info)
    {
        var type = Nullable.GetUnderlyingType(info.Type) ?? info.Type;
        return info.Kind switch
        {
            JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary => new JsonObject(),
            JsonTypeInfoKind.Enumerable => new JsonArray(),
            _ when type == typeof(string) || type == typeof(byte[]) => JsonValue.Create(""),
            _ when type == typeof(bool) => JsonValue.Create(false),
            _ when type.IsPrimitive => JsonValue.Create(0),
            _ => null,
        };
    }
}
