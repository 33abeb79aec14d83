using System.Text;
using System.Text.Json.Nodes;
using Axolotl.ApiServer.Protobuf.Schema;

namespace Axolotl.ApiServer.Protobuf;

/// <summary>
/// Turns one protobuf message into JSON by its schema. Fields are collected first and written in
/// schema (upstream JSON) order afterwards, because protobuf allows any order and repeats: a repeated
/// singular message merges (decoded here as the concatenation of its parts, which is protobuf's merge),
/// a repeated scalar keeps the last value, and unknown field numbers are skipped.
/// </summary>
internal static class MessageDecoder
{
    /// <summary>Nesting limit, so a hostile body cannot exhaust the stack.</summary>
    internal const int MaxDepth = 100;

    public static JsonObject Decode(ReadOnlySpan<byte> data, MessageSchema schema, int depth)
    {
        var result = new JsonObject();
        DecodeInto(result, data, schema, depth);
        return result;
    }

    public static void DecodeInto(JsonObject target, ReadOnlySpan<byte> data, MessageSchema schema, int depth)
    {
        if (depth > MaxDepth)
        {
            throw ProtobufDecodeException.Malformed($"{schema.Name}: messages nested deeper than {MaxDepth}");
        }
        var slots = new Slot[schema.Fields.Count];
        var reader = new WireReader(data);
        while (reader.TryReadTag(out var number, out var wireType))
        {
            var index = schema.IndexOf(number);
            if (index < 0)
            {
                reader.Skip(wireType, number);
                continue;
            }
            var field = schema.Fields[index];
            ref var slot = ref slots[index];
            slot.Present = true;
            switch (field.Cardinality)
            {
                case Cardinality.Single when field.IsMessageEncoded:
                    Expect(wireType, WireType.LengthDelimited, schema, field);
                    var part = reader.ReadLengthDelimited();
                    (slot.Parts ??= []).Add((reader.Position - part.Length, part.Length));
                    break;
                case Cardinality.Single:
                    (slot.Value, slot.IsZero) = ReadScalar(ref reader, wireType, schema, field);
                    break;
                case Cardinality.Repeated:
                    ReadRepeated(ref reader, wireType, schema, field, slot.Items ??= [], depth);
                    break;
                default:
                    Expect(wireType, WireType.LengthDelimited, schema, field);
                    ReadMapEntry(reader.ReadLengthDelimited(), schema, field, slot.Map ??= [], depth);
                    break;
            }
        }

        for (var i = 0; i < slots.Length; i++)
        {
            Emit(target, data, schema.Fields[i], ref slots[i], depth);
        }
    }

    private static void Emit(JsonObject target, ReadOnlySpan<byte> data, ProtoField field, ref Slot slot, int depth)
    {
        if (!slot.Present)
        {
            return;
        }
        switch (field.Cardinality)
        {
            case Cardinality.Repeated:
                // An empty packed run leaves a nil slice in Go, which JSON omits.
                if (slot.Items!.Count > 0)
                {
                    target[field.JsonName] = slot.Items;
                }
                return;
            case Cardinality.Map:
                target[field.JsonName] = slot.Map;
                return;
        }

        JsonNode? value;
        bool isZero;
        if (field.IsMessageEncoded)
        {
            var bytes = Join(data, slot.Parts!);
            if (field.Inline)
            {
                DecodeInto(target, bytes, field.Target!, depth + 1);
                return;
            }
            (value, isZero) = DecodeMessageValue(bytes, field, depth + 1);
        }
        else
        {
            (value, isZero) = (slot.Value, slot.IsZero);
        }
        if (value is null || (isZero && field.Zero == Zero.Omit))
        {
            return;
        }
        target[field.JsonName] = value;
    }

    private static (JsonNode? Value, bool IsZero) ReadScalar(ref WireReader reader, WireType wireType, MessageSchema schema, ProtoField field)
    {
        switch (field.Type)
        {
            case ProtoType.String:
                Expect(wireType, WireType.LengthDelimited, schema, field);
                var text = Encoding.UTF8.GetString(reader.ReadLengthDelimited());
                return (JsonValue.Create(text), text.Length == 0);
            case ProtoType.Bytes:
                Expect(wireType, WireType.LengthDelimited, schema, field);
                var bytes = reader.ReadLengthDelimited();
                return (JsonValue.Create(Convert.ToBase64String(bytes)), bytes.IsEmpty);
            case ProtoType.Int:
                Expect(wireType, WireType.Varint, schema, field);
                var number = unchecked((long)reader.ReadVarint());
                return (JsonValue.Create(number), number == 0);
            case ProtoType.Bool:
                Expect(wireType, WireType.Varint, schema, field);
                var flag = reader.ReadVarint() != 0;
                return (JsonValue.Create(flag), !flag);
            default:
                throw new InvalidOperationException($"{schema.Name}.{field.JsonName}: {field.Type} is not a scalar");
        }
    }

    private static void ReadRepeated(ref WireReader reader, WireType wireType, MessageSchema schema, ProtoField field, JsonArray items, int depth)
    {
        if (field.IsMessageEncoded)
        {
            Expect(wireType, WireType.LengthDelimited, schema, field);
            items.Add(DecodeMessageValue(reader.ReadLengthDelimited(), field, depth + 1).Value);
        }
        else if (wireType == WireType.LengthDelimited && field.Type is ProtoType.Int or ProtoType.Bool)
        {
            // Packed encoding: one length-delimited run of varints (parsers must accept it either way).
            var packed = new WireReader(reader.ReadLengthDelimited());
            while (!packed.End)
            {
                items.Add(ReadScalar(ref packed, WireType.Varint, schema, field).Value);
            }
        }
        else
        {
            items.Add(ReadScalar(ref reader, wireType, schema, field).Value);
        }
    }

    private static void ReadMapEntry(ReadOnlySpan<byte> entry, MessageSchema schema, ProtoField field, JsonObject map, int depth)
    {
        var reader = new WireReader(entry);
        var key = "";
        JsonNode? value = null;
        ReadOnlySpan<byte> encodedValue = default;
        while (reader.TryReadTag(out var number, out var wireType))
        {
            if (number == 1)
            {
                Expect(wireType, WireType.LengthDelimited, schema, field);
                key = Encoding.UTF8.GetString(reader.ReadLengthDelimited());
            }
            else if (number == 2 && field.IsMessageEncoded)
            {
                Expect(wireType, WireType.LengthDelimited, schema, field);
                encodedValue = reader.ReadLengthDelimited();
            }
            else if (number == 2)
            {
                value = ReadScalar(ref reader, wireType, schema, field).Value;
            }
            else
            {
                reader.Skip(wireType, number);
            }
        }
        // A missing value is the zero value of the value type, as Go decodes it.
        map[key] = field.IsMessageEncoded ? DecodeMessageValue(encodedValue, field, depth + 1).Value : value ?? ZeroScalar(field.Type);
    }

    private static (JsonNode? Value, bool IsZero) DecodeMessageValue(ReadOnlySpan<byte> bytes, ProtoField field, int depth) => field.Type switch
    {
        ProtoType.Message => (Decode(bytes, field.Target!, depth), false),
        ProtoType.Time => WellKnownValues.Time(bytes),
        ProtoType.MicroTime => WellKnownValues.MicroTime(bytes),
        ProtoType.Quantity => WellKnownValues.Quantity(bytes),
        ProtoType.IntOrString => WellKnownValues.IntOrString(bytes),
        ProtoType.RawJson => WellKnownValues.RawJson(bytes, depth),
        ProtoType.StringList => WellKnownValues.StringList(bytes),
        _ => throw new InvalidOperationException($"{field.JsonName}: {field.Type} is not message-encoded"),
    };

    private static JsonNode ZeroScalar(ProtoType type) => type switch
    {
        ProtoType.Int => JsonValue.Create(0L),
        ProtoType.Bool => JsonValue.Create(false),
        _ => JsonValue.Create(""),
    };

    private static void Expect(WireType actual, WireType expected, MessageSchema schema, ProtoField field)
    {
        if (actual != expected)
        {
            throw ProtobufDecodeException.Malformed(
                $"{schema.Name}.{field.JsonName} (field {field.Number}): wire type {actual}, expected {expected}");
        }
    }

    private static ReadOnlySpan<byte> Join(ReadOnlySpan<byte> data, List<(int Start, int Length)> parts)
    {
        if (parts.Count == 1)
        {
            return data.Slice(parts[0].Start, parts[0].Length);
        }
        var joined = new byte[parts.Sum(p => p.Length)];
        var offset = 0;
        foreach (var (start, length) in parts)
        {
            data.Slice(start, length).CopyTo(joined.AsSpan(offset));
            offset += length;
        }
        return joined;
    }

    private struct Slot
    {
        public bool Present;
        public JsonNode? Value;
        public bool IsZero;
        public List<(int Start, int Length)>? Parts;
        public JsonArray? Items;
        public JsonObject? Map;
    }
}
