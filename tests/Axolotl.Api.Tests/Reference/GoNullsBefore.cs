using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.Tests.Reference;

/// <summary>
/// Rewrites JSON nulls that Go's decoder would turn into zero values, guided by the typed model: a null
/// list element becomes the element's zero value (an empty object, "", 0, false), a null value in a map
/// of strings "". So <c>data: {a: ~}</c> stores <c>a: ""</c> as upstream does, and <c>containers: [null]</c>
/// is an empty container that validation then names, instead of a null the server trips over.
/// Recurses as deep as the body, whose depth the reader has already capped.
/// </summary>
/// <remarks>The implementation before the write path was cut (issue 34), kept as the reference the differential tests compare with.</remarks>
public static class GoNullsBefore
{
    public static void Normalize(JsonNode? node, Type type) => Normalize(node, KubeJson.Options.GetTypeInfo(type));

    private static void Normalize(JsonNode? node, JsonTypeInfo info)
    {
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object when node is JsonObject obj:
                foreach (var property in info.Properties)
                {
                    if (obj.TryGetPropertyValue(property.Name, out var child) && child is not null)
                    {
                        Normalize(child, KubeJson.Options.GetTypeInfo(property.PropertyType));
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
