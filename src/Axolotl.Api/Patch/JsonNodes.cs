using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Axolotl.Api.Patch;

/// <summary>Small JsonNode helpers shared by the patch implementations.</summary>
internal static class JsonNodes
{
    public static JsonValueKind KindOf(JsonNode? node) => node is null ? JsonValueKind.Null : node.GetValueKind();

    public static bool IsNull(JsonNode? node) => KindOf(node) == JsonValueKind.Null;

    public static bool IsPrimitive(JsonValueKind kind) => kind is not (JsonValueKind.Object or JsonValueKind.Array);

    /// <summary>The value removed from its object, so it can be attached elsewhere.</summary>
    public static JsonNode? Take(JsonObject obj, string key)
    {
        obj.TryGetPropertyValue(key, out var value);
        obj.Remove(key);
        return value;
    }

    /// <summary>The items removed from their array, so they can be attached elsewhere.</summary>
    public static List<JsonNode?> TakeAll(JsonArray array)
    {
        var items = array.ToList();
        array.Clear();
        return items;
    }

    /// <summary>Sets a property unless it already holds this very node (re-adding a child would throw).</summary>
    public static void Set(JsonObject obj, string key, JsonNode? value)
    {
        if (obj.TryGetPropertyValue(key, out var existing) && ReferenceEquals(existing, value))
        {
            return;
        }
        obj[key] = value;
    }

    public static string? StringValue(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    /// <summary>
    /// A canonical text for value equality: object keys sorted, numbers compared as doubles (as Go's decoder
    /// sees them), so that 1 and 1.0 are equal and key order does not matter.
    /// </summary>
    public static string Identity(JsonNode? node)
    {
        var builder = new StringBuilder();
        AppendIdentity(builder, node);
        return builder.ToString();
    }

    public static bool DeepEquals(JsonNode? a, JsonNode? b) => Identity(a) == Identity(b);

    /// <summary>The JSON text of a value, for error messages.</summary>
    public static string Render(JsonNode? node) => node?.ToJsonString() ?? "null";

    public static string Render(IEnumerable<JsonNode?> items) => "[" + string.Join(",", items.Select(Render)) + "]";

    /// <summary>A short name of the JSON type, for error messages.</summary>
    public static string Describe(JsonNode? node) => KindOf(node) switch
    {
        JsonValueKind.Object => "map",
        JsonValueKind.Array => "list",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "bool",
        _ => "null",
    };

    private static void AppendIdentity(StringBuilder builder, JsonNode? node)
    {
        switch (KindOf(node))
        {
            case JsonValueKind.Object:
                builder.Append('{');
                var first = true;
                foreach (var (key, value) in node!.AsObject().OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (!first)
                    {
                        builder.Append(',');
                    }
                    first = false;
                    builder.Append(JsonSerializer.Serialize(key)).Append(':');
                    AppendIdentity(builder, value);
                }
                builder.Append('}');
                break;
            case JsonValueKind.Array:
                builder.Append('[');
                var index = 0;
                foreach (var item in node!.AsArray())
                {
                    if (index++ > 0)
                    {
                        builder.Append(',');
                    }
                    AppendIdentity(builder, item);
                }
                builder.Append(']');
                break;
            case JsonValueKind.String:
                builder.Append(JsonSerializer.Serialize(node!.GetValue<string>()));
                break;
            case JsonValueKind.Number:
                var text = node!.ToJsonString();
                builder.Append(double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                    ? number.ToString("R", CultureInfo.InvariantCulture)
                    : text);
                break;
            case JsonValueKind.True:
                builder.Append("true");
                break;
            case JsonValueKind.False:
                builder.Append("false");
                break;
            default:
                builder.Append("null");
                break;
        }
    }
}
