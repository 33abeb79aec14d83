using System.Text;

namespace Axolotl.Agent.Probes.Probers;

/// <summary>
/// A write-only sink that keeps the first <c>limit</c> bytes and silently drops the rest, like the
/// kubelet's LimitWriter: a chatty probe command keeps running instead of failing on a full pipe.
/// Stdout and stderr may write at the same time, so writes are serialised.
/// </summary>
internal sealed class BoundedOutputStream(int limit) : Stream
{
    private readonly Lock _gate = new();
    private readonly byte[] _buffer = new byte[limit];
    private int _length;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public string Text
    {
        get
        {
            lock (_gate)
            {
                return Encoding.UTF8.GetString(_buffer, 0, _length);
            }
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        lock (_gate)
        {
            var take = Math.Min(buffer.Length, _buffer.Length - _length);
            buffer[..take].CopyTo(_buffer.AsSpan(_length));
            _length += take;
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
