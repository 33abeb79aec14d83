using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Serialization;

/// <summary>
/// Decodes JSON nulls inside lists and string maps as Go's decoder does for Kubernetes types: a null
/// list element becomes the element's zero value (an empty struct, ""), and a null map value "" or
/// no bytes. So <c>data: {a: ~}</c> stores <c>a: ""</c> as upstream does, and <c>containers: [null]</c> is
/// an empty container that validation then names, instead of a null the server trips over.
/// </summary>
public sealed class GoNullsConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert)
    {
        if (!typeToConvert.IsGenericType)
        {
            return false;
        }
        var definition = typeToConvert.GetGenericTypeDefinition();
        if (definition == typeof(List<>))
        {
            return true;
        }
        return definition == typeof(Dictionary<,>) && typeToConvert.GenericTypeArguments[0] == typeof(string) &&
            typeToConvert.GenericTypeArguments[1] is var value && (value == typeof(string) || value == typeof(byte[]));
    }

    public override JsonConverter? CreateConverter(Type typeToConvert, JsonSerializerOptions options)
    {
        var arguments = typeToConvert.GenericTypeArguments;
        var converter = typeToConvert.GetGenericTypeDefinition() == typeof(List<>)
            ? typeof(ListConverter<>).MakeGenericType(arguments[0])
            : typeof(MapConverter<>).MakeGenericType(arguments[1]);
        return (JsonConverter?)Activator.CreateInstance(converter);
    }

    /// <summary>Go's zero value of <typeparamref name="T"/>, for a JSON null where one is expected.</summary>
    private static T Zero<T>()
    {
        if (typeof(T) == typeof(string))
        {
            return (T)(object)"";
        }
        if (typeof(T) == typeof(byte[]))
        {
            return (T)(object)Array.Empty<byte>();
        }
        if (typeof(T).IsValueType)
        {
            return default!;
        }
        return typeof(T).GetConstructor(Type.EmptyTypes) is not null
            ? Activator.CreateInstance<T>()
            : throw new JsonException($"null is not a valid {typeof(T).Name}");
    }

    private sealed class ListConverter<T> : JsonConverter<List<T>>
    {
        public override List<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw new JsonException($"cannot unmarshal {reader.TokenType} into a list");
            }
            var list = new List<T>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                list.Add(reader.TokenType == JsonTokenType.Null ? Zero<T>() : JsonSerializer.Deserialize<T>(ref reader, options) ?? Zero<T>());
            }
            return list;
        }

        public override void Write(Utf8JsonWriter writer, List<T> value, JsonSerializerOptions options)
        {
            writer.WriteStartArray();
            foreach (var item in value)
            {
                JsonSerializer.Serialize(writer, item, options);
            }
            writer.WriteEndArray();
        }
    }

    private sealed class MapConverter<TValue> : JsonConverter<Dictionary<string, TValue>>
    {
        public override Dictionary<string, TValue> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new JsonException($"cannot unmarshal {reader.TokenType} into a map");
            }
            var map = new Dictionary<string, TValue>(StringComparer.Ordinal);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = reader.GetString()!;
                reader.Read();
                // A repeated key wins last, as in Go.
                map[key] = reader.TokenType == JsonTokenType.Null ? Zero<TValue>() : JsonSerializer.Deserialize<TValue>(ref reader, options) ?? Zero<TValue>();
            }
            return map;
        }

        public override void Write(Utf8JsonWriter writer, Dictionary<string, TValue> value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            foreach (var (key, item) in value)
            {
                writer.WritePropertyName(key);
                JsonSerializer.Serialize(writer, item, options);
            }
            writer.WriteEndObject();
        }
    }
}
