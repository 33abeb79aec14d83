using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Axolotl.ApiServer.PortForward.Spdy;

/// <summary>
/// Reads the peer's SPDY/3 header blocks: one zlib stream per connection, primed with the SPDY
/// dictionary, flushed (not finished) after every block. The BCL inflater has no dictionary option,
/// so the dictionary is fed first as a stored deflate block and its output discarded: back
/// references in the peer's data then find the dictionary in the window, exactly as zlib's
/// inflateSetDictionary would have put it there.
/// </summary>
internal sealed class SpdyHeaderDecoder : IDisposable
{
    /// <summary>Upper bound on one decompressed header block: kubectl's are a few dozen bytes.</summary>
    public const int MaxBlockSize = 256 * 1024;

    private readonly FeedStream _input = new();
    private readonly DeflateStream _inflater;
    private bool _started;

    public SpdyHeaderDecoder()
    {
        _inflater = new DeflateStream(_input, CompressionMode.Decompress, leaveOpen: true);
    }

    public List<KeyValuePair<string, string>> Decode(ReadOnlySpan<byte> block)
    {
        if (!_started)
        {
            _started = true;
            block = ReadZlibHeader(block);
            var dictionary = SpdyHeaderDictionary.Bytes;
            var stored = new byte[5 + dictionary.Length];
            BinaryPrimitives.WriteUInt16LittleEndian(stored.AsSpan(1), (ushort)dictionary.Length);
            BinaryPrimitives.WriteUInt16LittleEndian(stored.AsSpan(3), (ushort)~dictionary.Length);
            dictionary.CopyTo(stored, 5);
            _input.Feed(stored);
            _input.Feed(block.ToArray());
            var skip = new byte[dictionary.Length];
            _inflater.ReadExactly(skip);
        }
        else
        {
            _input.Feed(block.ToArray());
        }
        using var plain = new MemoryStream();
        var buffer = new byte[4096];
        int read;
        while ((read = _inflater.Read(buffer)) > 0)
        {
            plain.Write(buffer, 0, read);
            if (plain.Length > MaxBlockSize)
            {
                throw new SpdyProtocolException("header block too large");
            }
        }
        return Parse(plain.GetBuffer().AsSpan(0, (int)plain.Length));
    }

    internal static List<KeyValuePair<string, string>> Parse(ReadOnlySpan<byte> plain)
    {
        var headers = new List<KeyValuePair<string, string>>();
        var count = ReadWord(ref plain);
        for (var i = 0; i < count; i++)
        {
            var name = Encoding.UTF8.GetString(ReadString(ref plain));
            var value = Encoding.UTF8.GetString(ReadString(ref plain));
            foreach (var part in value.Split('\0'))
            {
                headers.Add(new(name, part));
            }
        }
        return headers;
    }

    private static ReadOnlySpan<byte> ReadString(ref ReadOnlySpan<byte> data)
    {
        var length = ReadWord(ref data);
        if (length > data.Length)
        {
            throw new SpdyProtocolException("header block truncated");
        }
        var value = data[..length];
        data = data[length..];
        return value;
    }

    private static int ReadWord(ref ReadOnlySpan<byte> data)
    {
        if (data.Length < 4)
        {
            throw new SpdyProtocolException("header block truncated");
        }
        var value = BinaryPrimitives.ReadInt32BigEndian(data);
        data = data[4..];
        return value < 0 ? throw new SpdyProtocolException("header block length out of range") : value;
    }

    private static ReadOnlySpan<byte> ReadZlibHeader(ReadOnlySpan<byte> block)
    {
        if (block.Length < 2 || (block[0] & 0x0F) != 8 || ((block[0] << 8) + block[1]) % 31 != 0)
        {
            throw new SpdyProtocolException("header block is not a zlib stream");
        }
        if ((block[1] & 0x20) == 0)
        {
            return block[2..];
        }
        if (block.Length < 6 || BinaryPrimitives.ReadUInt32BigEndian(block[2..]) != SpdyHeaderDictionary.Adler32)
        {
            throw new SpdyProtocolException("header block uses an unknown zlib dictionary");
        }
        return block[6..];
    }

    public void Dispose()
    {
        _inflater.Dispose();
        _input.Dispose();
    }

    /// <summary>A read side that hands out what was fed and then reports "no more for now" (0) without ending for good.</summary>
    private sealed class FeedStream : Stream
    {
        private readonly Queue<byte[]> _chunks = new();
        private int _offset;

        public void Feed(byte[] chunk)
        {
            if (chunk.Length > 0)
            {
                _chunks.Enqueue(chunk);
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (!_chunks.TryPeek(out var chunk))
            {
                return 0;
            }
            var n = Math.Min(buffer.Length, chunk.Length - _offset);
            chunk.AsSpan(_offset, n).CopyTo(buffer);
            _offset += n;
            if (_offset == chunk.Length)
            {
                _chunks.Dequeue();
                _offset = 0;
            }
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
