using System.Net.WebSockets;
using System.Text;

namespace Axolotl.Agent.Server;

/// <summary>
/// Sends channel-prefixed messages (the k8s.io channel protocols) on a WebSocket, one at a time:
/// stdout and stderr are written from different threads, a WebSocket allows one send. The base64
/// protocols get text frames: the channel as an ASCII digit, then the data in base64. Nothing is
/// sent before <paramref name="firstSend"/> completes (<see cref="StreamsReadyGate"/>).
/// </summary>
internal sealed class ChannelSender(WebSocket socket, bool base64 = false, Task? firstSend = null) : IDisposable
{
    private const int MaxChunk = 32 * 1024;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task SendAsync(byte channel, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        if (firstSend is { IsCompleted: false })
        {
            await firstSend.WaitAsync(ct);
        }
        await _gate.WaitAsync(ct);
        try
        {
            var offset = 0;
            do
            {
                var length = Math.Min(MaxChunk, data.Length - offset);
                var chunk = data.Slice(offset, length);
                if (base64)
                {
                    var text = Encoding.ASCII.GetBytes((char)('0' + channel) + Convert.ToBase64String(chunk.Span));
                    await socket.SendAsync(text, WebSocketMessageType.Text, endOfMessage: true, ct);
                }
                else
                {
                    var message = new byte[length + 1];
                    message[0] = channel;
                    chunk.CopyTo(message.AsMemory(1));
                    await socket.SendAsync(message, WebSocketMessageType.Binary, endOfMessage: true, ct);
                }
                offset += length;
            }
            while (offset < data.Length);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}

/// <summary>A write-only stream whose writes become messages on one channel (stdout, stderr).</summary>
internal sealed class ChannelStream(ChannelSender sender, byte channel, CancellationToken ct) : Stream
{
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length == 0)
        {
            return;
        }
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, cancellationToken);
        await sender.SendAsync(channel, buffer, linked.Token);
    }
}
