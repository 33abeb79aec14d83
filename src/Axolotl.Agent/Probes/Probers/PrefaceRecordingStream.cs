namespace Axolotl.Agent.Probes.Probers;

/// <summary>
/// Wraps a probe's connection and keeps the first bytes the server sent, so a failed HTTP/2
/// exchange can be explained the way grpc-go explains it (an HTTP/1.1 answer read as a frame header
/// is "http2: frame too large"; nothing at all is "EOF").
/// </summary>
internal sealed class PrefaceRecordingStream(Stream inner) : Stream
{
    private const int FrameHeaderLength = 9;

    private readonly byte[] _first = new byte[FrameHeaderLength];
    private int _recorded;

    /// <summary>The first bytes received (up to one HTTP/2 frame header).</summary>
    public ReadOnlySpan<byte> Received => _first.AsSpan(0, Volatile.Read(ref _recorded));

    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        Record(buffer[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        Record(buffer.Span[..read]);
        return read;
    }

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.WriteAsync(buffer, cancellationToken);

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }

    private void Record(ReadOnlySpan<byte> data)
    {
        var recorded = _recorded;
        if (recorded >= FrameHeaderLength || data.IsEmpty)
        {
            return;
        }

        var take = Math.Min(data.Length, FrameHeaderLength - recorded);
        data[..take].CopyTo(_first.AsSpan(recorded));
        Volatile.Write(ref _recorded, recorded + take);
    }
}
