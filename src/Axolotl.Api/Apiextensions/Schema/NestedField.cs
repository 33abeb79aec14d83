using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Axolotl.Api.Apiextensions.Schema;

/// <summary>
/// Reads a custom resource at a scale path as apimachinery's unstructured.NestedInt64/NestedString do, with their
/// errors word for word (".spec.replicas accessor error: abc is of the type string, expected int64"): a step that is
/// not an object is an error, a missing one is "not found". Values print as Go's %v and %T print the decoded JSON
/// (integers are int64, other numbers float64).
/// </summary>
public static class NestedField
{
    public readonly record struct Result<T>(T Value, bool Found, string? Error);

    public static Result<long> Int64(JsonObject obj, IReadOnlyList<string> fields)
    {
        var (node, found, error) = Find(obj, fields);
        if (error is not null || !found)
        {
            return new(0, false, error);
        }
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out long number))
        {
            return new(number, true, null);
        }
        return new(0, false, Mismatch(fields.Count, fields, node, "int64"));
    }

    public static Result<string> String(JsonObject obj, IReadOnlyList<string> fields)
    {
        var (node, found, error) = Find(obj, fields);
        if (error is not null || !found)
        {
            return new("", false, error);
        }
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            return new(v.GetValue<string>(), true, null);
        }
        return new("", false, Mismatch(fields.Count, fields, node, "string"));
    }

    private static (JsonNode? Node, bool Found, string? Error) Find(JsonObject obj, IReadOnlyList<string> fields)
    {
        JsonNode? node = obj;
        for (var i = 0; i < fields.Count; i++)
        {
            if (node is null)
            {
                return (null, false, null);
            }
            if (node is not JsonObject current)
            {
                // Upstream names the path up to the field it was about to read.
                return (null, false, Mismatch(i + 1, fields, node, "map[string]interface{}"));
            }
            if (!current.TryGetPropertyValue(fields[i], out node))
            {
                return (null, false, null);
            }
        }
        return (node, true, null);
    }

    private static string Mismatch(int count, IReadOnlyList<string> fields, JsonNode? value, string expected) =>
        $".{string.Join('.', fields.Take(count))} accessor error: {GoPrint(value)} is of the type {GoType(value)}, expected {expected}";

    /// <summary>Go's %T of a decoded JSON value.</summary>
    public static string GoType(JsonNode? value) => value switch
    {
        JsonObject => "map[string]interface {}",
        JsonArray => "[]interface {}",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => v.TryGetValue(out long _) ? "int64" : "float64",
            JsonValueKind.True or JsonValueKind.False => "bool",
            _ => "<nil>",
        },
        _ => "<nil>",
    };

    /// <summary>Go's %v of a decoded JSON value: maps with sorted keys as map[k:v], lists as [a b].</summary>
    public static string GoPrint(JsonNode? value) => value switch
    {
        JsonObject o => "map[" + string.Join(' ', o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + ":" + GoPrint(p.Value))) + "]",
        JsonArray a => "[" + string.Join(' ', a.Select(GoPrint)) + "]",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.Number => v.TryGetValue(out long l) ? l.ToString(CultureInfo.InvariantCulture) : GoFloat(v.GetValue<double>()),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => "<nil>",
        },
        _ => "<nil>",
    };

    // Go's %v of a float64 ('g', shortest digits); .NET's round-trip form differs only in the exponent's spelling.
    private static string GoFloat(double d)
    {
        var text = d.ToString("R", CultureInfo.InvariantCulture);
        var e = text.IndexOf('E', StringComparison.Ordinal);
        if (e < 0)
        {
            return text;
        }
        var exponent = int.Parse(text[(e + 1)..], CultureInfo.InvariantCulture);
        return $"{text[..e]}e{(exponent < 0 ? '-' : '+')}{Math.Abs(exponent):00}";
    }
}
