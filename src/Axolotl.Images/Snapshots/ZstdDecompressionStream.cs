using System.Runtime.InteropServices;

namespace Axolotl.Images.Snapshots;

/// <summary>
/// A read-only zstd decompressing stream over Debian's libzstd (.NET 10 has no zstd; the managed
/// packages do not restore here). The streaming API (ZSTD_decompressStream) keeps memory bounded
/// whatever the layer's size.
/// </summary>
public sealed class ZstdDecompressionStream : Stream
{
    private const string Library = "libzstd.so.1";

    private readonly Stream _source;
    private readonly byte[] _input = new byte[128 * 1024];
    private readonly byte[] _output = new byte[128 * 1024];
    private GCHandle _inputPin;
    private GCHandle _outputPin;
    private int _outputSize;
    private int _outputPosition;
    private nint _context;
    private int _inputSize;
    private int _inputPosition;
    private bool _sourceDone;
    private bool _frameEnded = true;

    public ZstdDecompressionStream(Stream source)
    {
        _source = source;
        try
        {
            _context = CreateDStream();
        }
        catch (DllNotFoundException e)
        {
            throw new IOException("zstd layers need libzstd.so.1 (Debian's libzstd1)", e);
        }

        if (_context == 0)
        {
            throw new IOException("cannot create a zstd decompression context");
        }

        _inputPin = GCHandle.Alloc(_input, GCHandleType.Pinned);
        _outputPin = GCHandle.Alloc(_output, GCHandleType.Pinned);
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        if (_outputPosition == _outputSize && !Decompress())
        {
            return 0;
        }

        var n = Math.Min(buffer.Length, _outputSize - _outputPosition);
        _output.AsSpan(_outputPosition, n).CopyTo(buffer);
        _outputPosition += n;
        return n;
    }

    /// <summary>Fills the output buffer with at least one byte; false at the end of the stream.</summary>
    private bool Decompress()
    {
        while (true)
        {
            if (_inputPosition == _inputSize && !_sourceDone)
            {
                _inputSize = _source.Read(_input, 0, _input.Length);
                _inputPosition = 0;
                _sourceDone = _inputSize == 0;
            }

            if (_inputPosition == _inputSize && _sourceDone)
            {
                return _frameEnded ? false : throw new InvalidDataException("the zstd stream is truncated");
            }

            var inBuffer = new Buffer { Data = _inputPin.AddrOfPinnedObject(), Size = (nuint)_inputSize, Position = (nuint)_inputPosition };
            var outBuffer = new Buffer { Data = _outputPin.AddrOfPinnedObject(), Size = (nuint)_output.Length, Position = 0 };
            var rc = DecompressStream(_context, ref outBuffer, ref inBuffer);
            if (IsError(rc) != 0)
            {
                throw new InvalidDataException("zstd: " + Marshal.PtrToStringAnsi(GetErrorName(rc)));
            }

            _inputPosition = (int)inBuffer.Position;
            _frameEnded = rc == 0;
            if (outBuffer.Position > 0)
            {
                _outputSize = (int)outBuffer.Position;
                _outputPosition = 0;
                return true;
            }
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (_context != 0)
        {
            FreeDStream(_context);
            _context = 0;
            _inputPin.Free();
            _outputPin.Free();
        }

        if (disposing)
        {
            _source.Dispose();
        }

        base.Dispose(disposing);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Buffer
    {
        public nint Data;
        public nuint Size;
        public nuint Position;
    }

    [DllImport(Library, EntryPoint = "ZSTD_createDStream")]
    private static extern nint CreateDStream();

    [DllImport(Library, EntryPoint = "ZSTD_freeDStream")]
    private static extern nuint FreeDStream(nint context);

    [DllImport(Library, EntryPoint = "ZSTD_decompressStream")]
    private static extern nuint DecompressStream(nint context, ref Buffer output, ref Buffer input);

    [DllImport(Library, EntryPoint = "ZSTD_isError")]
    private static extern uint IsError(nuint code);

    [DllImport(Library, EntryPoint = "ZSTD_getErrorName")]
    private static extern nint GetErrorName(nuint code);
}
