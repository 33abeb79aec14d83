using System.Buffers.Binary;
using System.Text;

namespace Axolotl.ApiServer.PortForward.Spdy;

/// <summary>
/// Writes SPDY/3 header blocks as one zlib stream per connection direction. The blocks are sent as
/// deflate "stored" blocks: a valid zlib stream that names the SPDY dictionary (peers check its id)
/// without compressing. Our header blocks are a few bytes, so compression would save nothing. Each
/// block ends with the empty stored block a zlib sync flush writes.
/// </summary>
internal sealed class SpdyHeaderEncoder
{
    private const int MaxStoredBlock = ushort.MaxValue;
    private bool _started;

    public byte[] Encode(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        var plain = Serialize(headers);
        using var output = new MemoryStream(plain.Length + 16);
        if (!_started)
        {
            _started = true;
            WriteZlibHeader(output);
        }
        var offset = 0;
        Span<byte> lengths = stackalloc byte[4];
        do
        {
            var count = Math.Min(MaxStoredBlock, plain.Length - offset);
            // BFINAL=0, BTYPE=00 (stored), padded to the byte boundary: one zero byte.
            output.WriteByte(0);
            BinaryPrimitives.WriteUInt16LittleEndian(lengths, (ushort)count);
            BinaryPrimitives.WriteUInt16LittleEndian(lengths[2..], (ushort)~count);
            output.Write(lengths);
            output.Write(plain, offset, count);
            offset += count;
        }
        while (offset < plain.Length);
        // The sync-flush marker, an empty stored block: Go's inflater only hands out a stored block's
        // bytes once the next block header is read, and must find it inside this frame.
        output.Write([0, 0, 0, 0xFF, 0xFF]);
        return output.ToArray();
    }

    /// <summary>The uncompressed layout: a 32-bit pair count, then length-prefixed names and values (values of one name joined by NUL).</summary>
    internal static byte[] Serialize(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        var grouped = headers.GroupBy(h => h.Key.ToLowerInvariant(), StringComparer.Ordinal)
            .Select(g => (Name: Encoding.UTF8.GetBytes(g.Key), Value: Encoding.UTF8.GetBytes(string.Join('\0', g.Select(h => h.Value)))))
            .ToList();
        using var output = new MemoryStream();
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, grouped.Count);
        output.Write(word);
        foreach (var (name, value) in grouped)
        {
            BinaryPrimitives.WriteInt32BigEndian(word, name.Length);
            output.Write(word);
            output.Write(name);
            BinaryPrimitives.WriteInt32BigEndian(word, value.Length);
            output.Write(word);
            output.Write(value);
        }
        return output.ToArray();
    }

    private static void WriteZlibHeader(Stream output)
    {
        const int Cmf = 0x78; // deflate, 32 KiB window
        const int Fdict = 0x20;
        var flg = Fdict;
        flg += 31 - (((Cmf << 8) + flg) % 31);
        output.WriteByte(Cmf);
        output.WriteByte((byte)flg);
        Span<byte> id = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(id, SpdyHeaderDictionary.Adler32);
        output.Write(id);
    }
}
