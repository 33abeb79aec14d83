using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Serialization;

/// <summary>metav1.Time: RFC 3339 in UTC with whole seconds, e.g. 2025-01-01T00:00:00Z.</summary>
public class KubeTimeConverter : JsonConverter<DateTimeOffset>
{
    private const string SecondsFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    private readonly string _format;

    public KubeTimeConverter()
        : this(SecondsFormat)
    {
    }

    protected KubeTimeConverter(string format) => _format = format;

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
        writer.WriteStringValue(value.ToUniversalTime().ToString(_format, CultureInfo.InvariantCulture));

    public static string Format(DateTimeOffset value) =>
        value.ToUniversalTime().ToString(SecondsFormat, CultureInfo.InvariantCulture);
}
