using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Core;

/// <summary>Reads a JSON number as an int32 and a JSON string as a string; writes them back the same way.</summary>
public sealed class IntOrStringJsonConverter : JsonConverter<IntOrString>
{
    public override IntOrString Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return IntOrString.FromString(reader.GetString() ?? "");
            case JsonTokenType.Number when reader.TryGetInt32(out var value):
                return IntOrString.FromInt(value);
            case JsonTokenType.Number:
                throw new JsonException("cannot unmarshal number into an int32 (IntOrString)");
            case JsonTokenType.Null:
                return default;
            default:
                throw new JsonException($"cannot unmarshal {reader.TokenType} into an int or string");
        }
    }

    public override void Write(Utf8JsonWriter writer, IntOrString value, JsonSerializerOptions options)
    {
        if (value.IsInt)
        {
            writer.WriteNumberValue(value.IntValue);
        }
        else
        {
            writer.WriteStringValue(value.StringValue);
        }
    }
}
