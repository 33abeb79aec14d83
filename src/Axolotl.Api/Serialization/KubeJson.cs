using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Axolotl.Api.Serialization;

/// <summary>The one set of JSON options for the Kubernetes wire format: camelCase, nulls omitted, metav1.Time.</summary>
public static class KubeJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            AllowTrailingCommas = false,
            NumberHandling = JsonNumberHandling.Strict,
            // Bodies are parsed to at most BodyLimits.MaxDepth levels; lists and watch events wrap them in two more.
            MaxDepth = 128,
        };
        options.Converters.Add(new KubeTimeConverter());
        options.TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { OmitEmptyMaps } };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>Go's omitempty: a map with no entries is left out, so removing the last label leaves no "labels": {}.</summary>
    private static void OmitEmptyMaps(JsonTypeInfo typeInfo)
    {
        foreach (var property in typeInfo.Properties)
        {
            if (!property.IsExtensionData && typeof(System.Collections.IDictionary).IsAssignableFrom(property.PropertyType))
            {
                property.ShouldSerialize = static (_, value) => value is not (null or System.Collections.ICollection { Count: 0 });
            }
        }
    }

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static byte[] SerializeToUtf8<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    public static T? Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Options);

    public static JsonObject ToNode<T>(T value) =>
        JsonSerializer.SerializeToNode(value, Options)?.AsObject() ?? throw new InvalidOperationException("serialized to null");

    public static JsonObject ToNode(object value, Type type) =>
        JsonSerializer.SerializeToNode(value, type, Options)?.AsObject() ?? throw new InvalidOperationException("serialized to null");

    public static object? FromNode(JsonNode node, Type type) => node.Deserialize(type, Options);

    /// <summary>
    /// <paramref name="node"/> as UTF-8 JSON, written as <see cref="FromNode(JsonNode, Type)"/> writes it before it
    /// reads (the serializer's own encoder and depth limit), so decoding these bytes gives what that gives, errors
    /// included. A node still backed by the parsed document (not yet read or changed) is copied without building its tree.
    /// </summary>
    public static byte[] ToUtf8(JsonNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(16 * 1024);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = Options.Encoder, MaxDepth = Options.MaxDepth, SkipValidation = true }))
        {
            node.WriteTo(writer, Options);
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static object? FromUtf8(ReadOnlySpan<byte> json, Type type) => JsonSerializer.Deserialize(json, type, Options);

    /// <summary>Whether the JSON holds a null anywhere (the one thing <see cref="GoNulls"/> rewrites).</summary>
    public static bool ContainsNull(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = Options.MaxDepth });
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.Null)
            {
                return true;
            }
        }
        return false;
    }

    public static T? FromNode<T>(JsonNode node) => node.Deserialize<T>(Options);
}
