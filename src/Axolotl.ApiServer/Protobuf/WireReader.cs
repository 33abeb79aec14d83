namespace Axolotl.ApiServer.Protobuf;

/// <summary>
/// Reads protobuf wire format (varint, 64-bit, length-delimited, 32-bit, groups) from a span. Every
/// read is bounds-checked and reports truncation as <see cref="ProtobufDecodeException"/>, because the
/// input is an untrusted request body.
/// </summary>
internal ref struct WireReader(ReadOnlySpan<byte> data)
{
    private const int MaxFieldNumber = (1 << 29) - 1;
    private const int MaxGroupDepth = 100;

    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public readonly int Position => _position;

    public readonly bool End => _position >= _data.Length;

    /// <summary>Reads the next tag; false at the end of the data.</summary>
    public bool TryReadTag(out int fieldNumber, out WireType wireType)
    {
        if (End)
        {
            fieldNumber = 0;
            wireType = default;
            return false;
        }
        var tag = ReadVarint();
        var number = tag >> 3;
        var type = (int)(tag & 7);
        if (number == 0 || number > MaxFieldNumber)
        {
            throw ProtobufDecodeException.Malformed($"invalid field number {number} at offset {_position}");
        }
        if (type > (int)WireType.Fixed32)
        {
            throw ProtobufDecodeException.Malformed($"invalid wire type {type} at offset {_position}");
        }
        fieldNumber = (int)number;
        wireType = (WireType)type;
        return true;
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (End)
            {
                throw ProtobufDecodeException.Malformed("unexpected end of data inside a varint");
            }
            var b = _data[_position++];
            if (shift == 63 && b > 1)
            {
                throw ProtobufDecodeException.Malformed("varint overflows 64 bits");
            }
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }
        throw ProtobufDecodeException.Malformed("varint longer than 10 bytes");
    }

    /// <summary>Reads a length-delimited value: strings, bytes, embedded messages, packed repeated scalars.</summary>
    public ReadOnlySpan<byte> ReadLengthDelimited()
    {
        var length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
        {
            throw ProtobufDecodeException.Malformed($"length {length} at offset {_position} runs past the end of the data");
        }
        return Take((int)length);
    }

    /// <summary>Skips the value of a field this decoder does not know.</summary>
    public void Skip(WireType wireType, int fieldNumber)
    {
        switch (wireType)
        {
            case WireType.Varint:
                ReadVarint();
                break;
            case WireType.Fixed64:
                Take(8);
                break;
            case WireType.LengthDelimited:
                ReadLengthDelimited();
                break;
            case WireType.Fixed32:
                Take(4);
                break;
            case WireType.StartGroup:
                SkipGroup(fieldNumber);
                break;
            default:
                throw ProtobufDecodeException.Malformed($"unexpected end-group tag for field {fieldNumber}");
        }
    }

    private void SkipGroup(int fieldNumber)
    {
        var open = new Stack<int>();
        open.Push(fieldNumber);
        while (open.Count > 0)
        {
            if (!TryReadTag(out var number, out var type))
            {
                throw ProtobufDecodeException.Malformed($"unterminated group for field {fieldNumber}");
            }
            if (type == WireType.EndGroup)
            {
                if (open.Pop() != number)
                {
                    throw ProtobufDecodeException.Malformed($"mismatched end-group tag for field {number}");
                }
            }
            else if (type == WireType.StartGroup)
            {
                if (open.Count >= MaxGroupDepth)
                {
                    throw ProtobufDecodeException.Malformed("groups nested too deeply");
                }
                open.Push(number);
            }
            else
            {
                Skip(type, number);
            }
        }
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > _data.Length - _position)
        {
            throw ProtobufDecodeException.Malformed($"unexpected end of data at offset {_position}");
        }
        var slice = _data.Slice(_position, count);
        _position += count;
        return slice;
    }
}
