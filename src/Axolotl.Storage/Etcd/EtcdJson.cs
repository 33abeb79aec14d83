using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Axolotl.Storage.Etcd;

/// <summary>
/// Reading and writing the grpc-gateway's JSON: proto3 leaves out every field at its default (false, 0,
/// empty), int64 travels as a string and bytes as base64.
/// </summary>
internal static class EtcdJson
{
    public static long Long(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var value))
        {
            return 0;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => long.Parse(value.GetString()!, NumberStyles.Integer, CultureInfo.InvariantCulture),
            JsonValueKind.Number => value.GetInt64(),
            _ => 0,
        };
    }

    public static bool Bool(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    public static byte[] Bytes(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetBytesFromBase64()
            : [];

    public static JsonElement Child(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) ? value : default;

    public static IEnumerable<JsonElement> Array(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray()
            : [];

    /// <summary>The header revision every response carries.</summary>
    public static long HeaderRevision(JsonElement response) => Long(Child(response, "header"), "revision");

    public static void WriteKey(Utf8JsonWriter writer, string name, string key) =>
        writer.WriteBase64String(name, Encoding.UTF8.GetBytes(key));

    public static void WriteLong(Utf8JsonWriter writer, string name, long value) =>
        writer.WriteString(name, value.ToString(CultureInfo.InvariantCulture));

    /// <summary>The smallest key above every key that starts with <paramref name="prefix"/> (clientv3.GetPrefixRangeEnd).</summary>
    public static byte[] PrefixEnd(string prefix)
    {
        var bytes = Encoding.UTF8.GetBytes(prefix);
        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            if (bytes[i] < 0xFF)
            {
                var end = bytes[..(i + 1)];
                end[i]++;
                return end;
            }
        }

        // Only 0xFF bytes: "\0" means "to the end of the keyspace" to etcd.
        return [0];
    }

    /// <summary>Builds a request body with <paramref name="write"/> filling one JSON object.</summary>
    public static byte[] Body(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
