using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Axolotl.Api.ManagedFields;

/// <summary>
/// One step of a field path, identified by its FieldsV1 encoding (<c>f:name</c>, <c>k:{…}</c>, <c>v:…</c>,
/// <c>i:N</c>) so that two elements naming the same item compare equal however their values were spelled.
/// </summary>
public readonly struct PathElement : IEquatable<PathElement>, IComparable<PathElement>
{
    // Go's encoding/json leaves non-ASCII alone; the default encoder would escape it.
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly JsonWriterOptions CompactWriter = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly string? _display;

    private PathElement(PathElementKind kind, string encoded, string? display)
    {
        Kind = kind;
        Encoded = encoded;
        _display = display;
    }

    public PathElementKind Kind { get; }

    /// <summary>The FieldsV1 key, e.g. <c>f:replicas</c> or <c>k:{"name":"nginx"}</c>.</summary>
    public string Encoded { get; }

    /// <summary>How upstream prints the element in conflict messages: <c>.replicas</c>, <c>[name="nginx"]</c>, <c>[=x]</c>, <c>[0]</c>.</summary>
    public string Display => Kind == PathElementKind.Key && _display is null ? KeyDisplay(Encoded) : _display!;

    /// <summary>The field name, for <see cref="PathElementKind.Field"/> elements.</summary>
    public string FieldName => Kind == PathElementKind.Field ? Encoded[2..] : throw new InvalidOperationException("not a field element");

    /// <summary>A field element; one per name, as every object's walk makes the same ones (a write's diff makes thousands).</summary>
    public static PathElement Field(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (Fields.TryGetValue(name, out var known))
        {
            return known;
        }
        var made = new PathElement(PathElementKind.Field, "f:" + name, "." + name);
        if (Fields.Count < MaxParsed)
        {
            Fields.TryAdd(name, made);
        }
        return made;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, PathElement> Fields = new(StringComparer.Ordinal);

    public static PathElement Index(int index) =>
        new(PathElementKind.Index, "i:" + index.ToString(CultureInfo.InvariantCulture), "[" + index.ToString(CultureInfo.InvariantCulture) + "]");

    public static PathElement Value(JsonNode? value)
    {
        var text = Json(value);
        return new PathElement(PathElementKind.Value, "v:" + text, "[=" + text + "]");
    }

    /// <summary>An associative-list item; the key fields are sorted by name as upstream keeps them.</summary>
    public static PathElement Key(IEnumerable<KeyValuePair<string, JsonNode?>> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        // Written straight from the values (no copy of them into an object first): every list item of both objects
        // of a write's diff gets one. The display is worked out from the encoding when a conflict message needs it.
        var sorted = fields.ToArray();
        Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer, CompactWriter))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in sorted)
            {
                writer.WritePropertyName(name);
                if (value is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    value.WriteTo(writer);
                }
            }
            writer.WriteEndObject();
        }
        return new PathElement(PathElementKind.Key, "k:" + System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan), display: null);
    }

    /// <summary>A key element's display, <c>[name="nginx",port=80]</c>, from its encoding.</summary>
    private static string KeyDisplay(string encoded)
    {
        var key = (JsonObject)JsonNode.Parse(encoded.AsSpan(2).ToString())!;
        return "[" + string.Join(",", key.Select(f => f.Key + "=" + Json(f.Value))) + "]";
    }

    /// <summary>Parses one FieldsV1 key; throws <see cref="FormatException"/> for anything else.</summary>
    public static PathElement Parse(string encoded)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        // Every write decodes each manager's fieldsV1, and the keys repeat across objects (f:spec, k:{"type":"Ready"}):
        // an element is immutable, so one parsed before is the answer. Bounded, as keys come from clients.
        if (Parsed.TryGetValue(encoded, out var known))
        {
            return known;
        }
        var parsed = ParseNew(encoded);
        if (Parsed.Count < MaxParsed)
        {
            Parsed.TryAdd(encoded, parsed);
        }
        return parsed;
    }

    private const int MaxParsed = 16 * 1024;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, PathElement> Parsed = new(StringComparer.Ordinal);

    private static PathElement ParseNew(string encoded)
    {
        if (encoded.Length < 2 || encoded[1] != ':')
        {
            throw new FormatException($"invalid path element \"{encoded}\"");
        }
        var body = encoded[2..];
        switch (encoded[0])
        {
            case 'f':
                return Field(body);
            case 'i' when int.TryParse(body, NumberStyles.None, CultureInfo.InvariantCulture, out var index):
                return Index(index);
            case 'v':
                return Value(ParseJson(body, encoded));
            case 'k':
                if (ParseJson(body, encoded) is not JsonObject key || key.Count == 0)
                {
                    throw new FormatException($"invalid key in path element \"{encoded}\"");
                }
                return Key(key.Select(p => new KeyValuePair<string, JsonNode?>(p.Key, p.Value)));
            default:
                throw new FormatException($"invalid path element \"{encoded}\"");
        }
    }

    public bool Equals(PathElement other) => Kind == other.Kind && string.Equals(Encoded, other.Encoded, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is PathElement other && Equals(other);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Encoded ?? "");

    public int CompareTo(PathElement other)
    {
        var byKind = Kind.CompareTo(other.Kind);
        if (byKind != 0)
        {
            return byKind;
        }
        if (Kind == PathElementKind.Index)
        {
            return int.Parse(Encoded.AsSpan(2), CultureInfo.InvariantCulture).CompareTo(int.Parse(other.Encoded.AsSpan(2), CultureInfo.InvariantCulture));
        }
        return string.CompareOrdinal(Encoded, other.Encoded);
    }

    public static bool operator ==(PathElement left, PathElement right) => left.Equals(right);

    public static bool operator !=(PathElement left, PathElement right) => !left.Equals(right);

    public static bool operator <(PathElement left, PathElement right) => left.CompareTo(right) < 0;

    public static bool operator >(PathElement left, PathElement right) => left.CompareTo(right) > 0;

    public static bool operator <=(PathElement left, PathElement right) => left.CompareTo(right) <= 0;

    public static bool operator >=(PathElement left, PathElement right) => left.CompareTo(right) >= 0;

    public override string ToString() => Encoded;

    private static string Json(JsonNode? value) => value is null ? "null" : value.ToJsonString(Compact);

    private static JsonNode? ParseJson(string text, string encoded)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw new FormatException($"invalid path element \"{encoded}\": {e.Message}", e);
        }
    }
}
