using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Axolotl.Api.Serialization;

namespace Axolotl.Testing;

/// <summary>
/// A response body the test writes to while the client reads it: each <see cref="Send"/> is one
/// newline-terminated watch event; <see cref="Complete"/> ends the stream as a server closing the watch.
/// </summary>
public sealed class WatchStream : Stream
{
    private readonly Channel<byte[]> _chunks = Channel.CreateUnbounded<byte[]>();
    private ReadOnlyMemory<byte> _current;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Writes {"type":type,"object":obj} and a newline.</summary>
    public void Send(string type, object obj)
    {
        var line = $"{{\"type\":\"{type}\",\"object\":{JsonSerializer.Serialize(obj, obj.GetType(), KubeJson.Options)}}}\n";
        SendRaw(line);
    }

    /// <summary>An ERROR event with a 410 Expired Status, as a server sends when the watch start was compacted.</summary>
    public void SendExpired(string message = "too old resource version") =>
        SendRaw($"{{\"type\":\"ERROR\",\"object\":{{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{{}},\"status\":\"Failure\",\"message\":\"{message}\",\"reason\":\"Expired\",\"code\":410}}}}\n");

    public void SendRaw(string text) => _chunks.Writer.TryWrite(Encoding.UTF8.GetBytes(text));

    /// <summary>Ends the stream: the client sees a clean end of the watch.</summary>
    public void Complete() => _chunks.Writer.TryComplete();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_current.IsEmpty)
        {
            if (!await _chunks.Reader.WaitToReadAsync(cancellationToken))
            {
                return 0;
            }
            if (_chunks.Reader.TryRead(out var chunk))
            {
                _current = chunk;
            }
        }
        var n = Math.Min(buffer.Length, _current.Length);
        _current[..n].CopyTo(buffer);
        _current = _current[n..];
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        _chunks.Writer.TryComplete();
        base.Dispose(disposing);
    }
}
