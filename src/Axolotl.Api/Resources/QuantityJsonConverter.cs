using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Resources;

/// <summary>Reads a quantity from a JSON string or number (as upstream does) and writes the canonical string.</summary>
public sealed class QuantityJsonConverter : JsonConverter<Quantity>
{
    public override bool HandleNull => true;

    public override Quantity Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        string? text;
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return Quantity.Zero;
            case JsonTokenType.String:
                text = reader.GetString()?.Trim();
                break;
            case JsonTokenType.Number:
                text = reader.HasValueSequence
                    ? Encoding.UTF8.GetString(reader.ValueSequence)
                    : Encoding.UTF8.GetString(reader.ValueSpan);
                break;
            default:
                throw new JsonException($"cannot unmarshal {reader.TokenType} into a quantity");
        }

        if (!Quantity.TryParse(text, out var quantity, out var error))
        {
            throw new JsonException(error);
        }
        return quantity;
    }

    public override void Write(Utf8JsonWriter writer, Quantity value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
