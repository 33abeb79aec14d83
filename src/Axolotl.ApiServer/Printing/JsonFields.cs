using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>
/// Tolerant readers over wire JSON. Printers must never throw on odd objects (a missing status, a number where a
/// string was expected), so every accessor answers a neutral value instead.
/// </summary>
internal static class JsonFields
{
    public static JsonNode? Get(this JsonNode? node, string name) =>
        node is JsonObject obj && obj.TryGetPropertyValue(name, out var value) ? value : null;

    public static JsonNode? Get(this JsonNode? node, string first, string second) => node.Get(first).Get(second);

    public static JsonNode? Get(this JsonNode? node, string first, string second, string third) =>
        node.Get(first).Get(second).Get(third);

    /// <summary>The value as a string; numbers and booleans are rendered as JSON writes them. Null when absent.</summary>
    public static string? AsString(this JsonNode? node)
    {
        if (node is not JsonValue value)
        {
            return null;
        }
        return value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.ToJsonString(),
            _ => null,
        };
    }

    /// <summary>The value as a string, with "" for absent values (Go's zero value).</summary>
    public static string Text(this JsonNode? node) => node.AsString() ?? "";

    public static long? AsLong(this JsonNode? node)
    {
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.Number)
        {
            return null;
        }
        var raw = value.ToJsonString();
        if (long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var whole))
        {
            return whole;
        }
        return double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) ? (long)real : null;
    }

    public static long Number(this JsonNode? node) => node.AsLong() ?? 0;

    public static bool IsTrue(this JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.True;

    /// <summary>A metav1.Time or MicroTime; null when absent, unparsable, or Go's zero time.</summary>
    public static DateTimeOffset? AsTime(this JsonNode? node)
    {
        var text = node.AsString();
        if (string.IsNullOrEmpty(text) ||
            !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            return null;
        }
        return value.Year <= 1 ? null : value;
    }

    /// <summary>The elements of an array, or nothing when the value is absent or not an array.</summary>
    public static IReadOnlyList<JsonNode?> Items(this JsonNode? node) => node is JsonArray array ? [.. array] : [];

    /// <summary>The entries of an object (a map such as labels or data), or nothing.</summary>
    public static IEnumerable<KeyValuePair<string, JsonNode?>> Entries(this JsonNode? node) =>
        node is JsonObject obj ? obj : [];

    /// <summary>How many elements or entries an array or map has; 0 when absent.</summary>
    public static int Count(this JsonNode? node) => node switch
    {
        JsonArray array => array.Count,
        JsonObject obj => obj.Count,
        _ => 0,
    };

    public static bool Exists(this JsonNode? node) => node is not null;
}
