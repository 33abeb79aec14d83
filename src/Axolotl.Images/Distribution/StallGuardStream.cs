using Axolotl.Hosting;

namespace Axolotl.Images.Distribution;

/// <summary>
/// A response body that must keep moving: a read that brings nothing for <see cref="Stall"/> fails,
/// so a registry that stops sending mid-layer cannot hold a pull (and the pod) forever.
/// </summary>
internal sealed class StallGuardStream(Stream inner, TimeSpan stall, TimeProvider clock) : Stream
{
    public TimeSpan Stall { get; } = stall;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        using var quiet = Deadline.After(Stall, clock, cancellationToken);
        try
        {
            return await inner.ReadAsync(buffer, quiet.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new IOException($"the registry sent nothing for {Stall.TotalSeconds:0.#} s");
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
