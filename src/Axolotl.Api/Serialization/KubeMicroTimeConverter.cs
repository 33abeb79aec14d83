using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Serialization;

/// <summary>metav1.MicroTime: RFC 3339 with microseconds, e.g. 2025-01-01T00:00:00.000000Z (Lease, Event.eventTime).</summary>
public sealed class KubeMicroTimeConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString();
        if (string.IsNullOrEmpty(text) ||
            !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            throw new JsonException($"invalid time \"{text}\": expected RFC 3339");
        }
        return value;
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
}
