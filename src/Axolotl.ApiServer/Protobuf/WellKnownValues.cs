using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Api.Serialization;

namespace Axolotl.ApiServer.Protobuf;

/// <summary>
/// The apimachinery types whose protobuf form is a message but whose JSON form is a single value:
/// metav1.Time and MicroTime, resource.Quantity, intstr.IntOrString, RawExtension/FieldsV1, and
/// string lists wrapped for protobuf. Each returns the JSON value (null for "absent") and whether it
/// is the zero value, for omitempty.
/// </summary>
internal static class WellKnownValues
{
    /// <summary>
    /// metav1.Time: an empty message is the zero time, which Go writes as null. Nanoseconds are dropped,
    /// as upstream does, because the JSON form only has whole seconds.
    /// </summary>
    public static (JsonNode? Value, bool IsZero) Time(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return (null, true);
        }
        var (seconds, _) = ReadTimestamp(bytes);
        return (JsonValue.Create(KubeTimeConverter.Format(FromUnix(seconds, 0))), false);
    }

    /// <summary>metav1.MicroTime: like Time, but keeps microseconds (truncated, as Go's formatting does).</summary>
    public static (JsonNode? Value, bool IsZero) MicroTime(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return (null, true);
        }
        var (seconds, nanos) = ReadTimestamp(bytes);
        var text = FromUnix(seconds, nanos).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
        return (JsonValue.Create(text), false);
    }

    /// <summary>resource.Quantity {string=1}. The sender's Go code already wrote the canonical form; an empty message is "0".</summary>
    public static (JsonNode? Value, bool IsZero) Quantity(ReadOnlySpan<byte> bytes)
    {
        var text = "0";
        var reader = new WireReader(bytes);
        while (reader.TryReadTag(out var number, out var wireType))
        {
            if (number == 1 && wireType == WireType.LengthDelimited)
            {
                text = Encoding.UTF8.GetString(reader.ReadLengthDelimited());
            }
            else
            {
                reader.Skip(wireType, number);
            }
        }
        return (JsonValue.Create(text), false);
    }

    /// <summary>intstr.IntOrString {type=1 (0 Int, 1 String), intVal=2, strVal=3}.</summary>
    public static (JsonNode? Value, bool IsZero) IntOrString(ReadOnlySpan<byte> bytes)
    {
        long type = 0, intVal = 0;
        var strVal = "";
        var reader = new WireReader(bytes);
        while (reader.TryReadTag(out var number, out var wireType))
        {
            switch (number)
            {
                case 1 when wireType == WireType.Varint:
                    type = unchecked((long)reader.ReadVarint());
                    break;
                case 2 when wireType == WireType.Varint:
                    intVal = unchecked((int)reader.ReadVarint());
                    break;
                case 3 when wireType == WireType.LengthDelimited:
                    strVal = Encoding.UTF8.GetString(reader.ReadLengthDelimited());
                    break;
                default:
                    reader.Skip(wireType, number);
                    break;
            }
        }
        return type == 1
            ? (JsonValue.Create(strVal), strVal.Length == 0)
            : (JsonValue.Create(intVal), intVal == 0);
    }

    /// <summary>
    /// runtime.RawExtension / metav1.FieldsV1 {raw=1}: the raw bytes are JSON, or (for an object a
    /// typed client embedded) another k8s protobuf envelope.
    /// </summary>
    public static (JsonNode? Value, bool IsZero) RawJson(ReadOnlySpan<byte> bytes, int depth)
    {
        ReadOnlySpan<byte> raw = default;
        var reader = new WireReader(bytes);
        while (reader.TryReadTag(out var number, out var wireType))
        {
            if (number == 1 && wireType == WireType.LengthDelimited)
            {
                raw = reader.ReadLengthDelimited();
            }
            else
            {
                reader.Skip(wireType, number);
            }
        }
        if (raw.IsEmpty)
        {
            return (null, true);
        }
        if (KubeProtobufDecoder.HasMagic(raw))
        {
            return (KubeProtobufDecoder.DecodeEnvelope(raw, depth + 1), false);
        }
        try
        {
            var node = JsonNode.Parse(raw);
            return (node, node is null);
        }
        catch (JsonException e)
        {
            throw ProtobufDecodeException.Malformed($"embedded raw object is neither JSON nor k8s protobuf: {e.Message}");
        }
    }

    /// <summary>A []string type wrapped as {items=1} so protobuf can tell nil from empty (authorization ExtraValue).</summary>
    public static (JsonNode? Value, bool IsZero) StringList(ReadOnlySpan<byte> bytes)
    {
        var items = new JsonArray();
        var reader = new WireReader(bytes);
        while (reader.TryReadTag(out var number, out var wireType))
        {
            if (number == 1 && wireType == WireType.LengthDelimited)
            {
                items.Add(JsonValue.Create(Encoding.UTF8.GetString(reader.ReadLengthDelimited())));
            }
            else
            {
                reader.Skip(wireType, number);
            }
        }
        return (items, items.Count == 0);
    }

    private static (long Seconds, long Nanos) ReadTimestamp(ReadOnlySpan<byte> bytes)
    {
        long seconds = 0, nanos = 0;
        var reader = new WireReader(bytes);
        while (reader.TryReadTag(out var number, out var wireType))
        {
            switch (number)
            {
                case 1 when wireType == WireType.Varint:
                    seconds = unchecked((long)reader.ReadVarint());
                    break;
                case 2 when wireType == WireType.Varint:
                    nanos = unchecked((int)reader.ReadVarint());
                    break;
                default:
                    reader.Skip(wireType, number);
                    break;
            }
        }
        return (seconds, nanos);
    }

    private static DateTimeOffset FromUnix(long seconds, long nanos)
    {
        // Floor to 100 ns ticks so negative nanoseconds borrow from the second, as time.Unix normalizes.
        var ticks = nanos / 100;
        if (nanos % 100 < 0)
        {
            ticks--;
        }
        try
        {
            return DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(ticks);
        }
        catch (ArgumentOutOfRangeException)
        {
            throw ProtobufDecodeException.Malformed($"timestamp {seconds}s is outside years 0001-9999");
        }
    }
}
