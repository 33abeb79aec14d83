using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Cel.Values;

namespace Axolotl.Cel;

/// <summary>
/// Converts JSON objects to CEL values and back. Without the structural schema a JSON number without a fraction or
/// exponent becomes an int and any other number a double; a schema-aware caller may convert values itself.
/// </summary>
public static class JsonValues
{
    public static object FromElement(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => Map(e.EnumerateObject().Select(p => (p.Name, FromElement(p.Value)))),
        JsonValueKind.Array => e.EnumerateArray().Select(FromElement).ToList(),
        JsonValueKind.String => e.GetString()!,
        JsonValueKind.Number => Number(e),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => CelNull.Value,
    };

    public static object FromNode(JsonNode? node) => node switch
    {
        null => CelNull.Value,
        JsonObject o => Map(o.Select(p => (p.Key, FromNode(p.Value)))),
        JsonArray a => a.Select(FromNode).ToList(),
        JsonValue v => FromValue(v),
        _ => CelNull.Value,
    };

    // A parsed node holds a JsonElement; one built in code (JsonValue.Create) holds the CLR value itself.
    private static object FromValue(JsonValue v)
    {
        if (v.TryGetValue<JsonElement>(out var element))
        {
            return FromElement(element);
        }
        if (v.TryGetValue<string>(out var s))
        {
            return s;
        }
        if (v.TryGetValue<bool>(out var b))
        {
            return b;
        }
        return FromElement(JsonSerializer.SerializeToElement(v));
    }

    /// <summary>
    /// A string of a schema with a format, as Kubernetes shows it to CEL: <c>byte</c> as bytes (base64), <c>duration</c> as
    /// a duration, <c>date</c> and <c>date-time</c> as timestamps. Text that does not parse stays a string (the schema's
    /// format check refuses it before any rule runs).
    /// </summary>
    public static object FromFormattedString(string text, string? format)
    {
        switch (format)
        {
            case "byte":
                var buffer = new byte[text.Length];
                return Convert.TryFromBase64String(text, buffer, out var written) ? new CelBytes(buffer[..written]) : text;
            case "duration":
                return Library.TimeFunctions.ParseDuration(text) is TimeSpan d ? d : text;
            case "date":
                return DateTimeOffset.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out var date)
                    ? new DateTimeOffset(date.UtcDateTime, TimeSpan.Zero)
                    : text;
            case "date-time":
                return Library.TimeFunctions.ParseTimestamp(text) is DateTimeOffset t ? t : text;
            default:
                return text;
        }
    }

    /// <summary>A CEL value as JSON, for messageExpression results and audit annotations; bytes become base64 as in Kubernetes.</summary>
    public static JsonNode? ToNode(object? v) => v switch
    {
        null or CelNull => null,
        bool b => JsonValue.Create(b),
        long l => JsonValue.Create(l),
        ulong u => JsonValue.Create(u),
        double d => JsonValue.Create(d),
        string s => JsonValue.Create(s),
        CelBytes b => JsonValue.Create(Convert.ToBase64String(b.Data)),
        IReadOnlyList<object> l => new JsonArray(l.Select(ToNode).ToArray()),
        CelMap m => new JsonObject(m.Entries.Select(e => KeyValuePair.Create(CelValues.Format(e.Key), ToNode(e.Value)))),
        CelOptional o => o.HasValue ? ToNode(o.Value) : null,
        _ => JsonValue.Create(CelValues.Format(v)),
    };

    private static CelMap Map(IEnumerable<(string Key, object Value)> props)
    {
        var m = new CelMap();
        foreach (var (k, v) in props)
        {
            m.TryAdd(k, v);
        }

        return m;
    }

    private static object Number(JsonElement e)
    {
        var raw = e.GetRawText();
        if (raw.IndexOfAny(['.', 'e', 'E']) < 0 && e.TryGetInt64(out var l))
        {
            return l;
        }

        return e.GetDouble();
    }
}
