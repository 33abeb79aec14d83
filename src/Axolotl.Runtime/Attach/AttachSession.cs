using System.Threading.Channels;

namespace Axolotl.Runtime.Attach;

/// <summary>
/// One client on the launcher's attach socket: the container's output frames go to the session's
/// stdout and stderr, its stdin and terminal sizes go to the launcher. The launcher decides when it
/// ends (attach.h): it closes the connection once the container's output ends, or this session's
/// stdin has ended and the container keeps its stdin open.
/// </summary>
internal static class AttachSession
{
    private const int StdinChunk = 16 * 1024;

    public static async Task RunAsync(Stream connection, AttachSpec spec, CancellationToken ct)
    {
        using var gate = new SemaphoreSlim(1, 1);
        using var session = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (spec.Stdin is not null)
        {
            await SendAsync(connection, gate, sizes: null, AttachFrames.Encode(AttachFrames.HelloStdin, []), ct);
        }

        var input = spec.Stdin is { } stdin ? FeedStdinAsync(connection, gate, stdin, spec.Resize, session.Token) : Task.CompletedTask;
        var resize = spec.Resize is { } sizes ? FeedResizeAsync(connection, gate, sizes, session.Token) : Task.CompletedTask;
        try
        {
            await ReadOutputAsync(connection, spec, ct);
        }
        finally
        {
            await session.CancelAsync();
            await Task.WhenAll(Quietly(input), Quietly(resize));
        }
    }

    /// <summary>Copies output frames to the session's streams until the launcher closes the connection.</summary>
    private static async Task ReadOutputAsync(Stream connection, AttachSpec spec, CancellationToken ct)
    {
        var header = new byte[AttachFrames.HeaderLength];
        var payload = new byte[AttachFrames.MaxPayload];
        while (true)
        {
            if (!await ReadExactlyOrEndAsync(connection, header, ct))
            {
                return;
            }

            var (type, length) = AttachFrames.DecodeHeader(header);
            if (length > 0 && !await ReadExactlyOrEndAsync(connection, payload.AsMemory(0, length), ct))
            {
                return;
            }

            var target = type switch
            {
                AttachFrames.Stdout => spec.Stdout,
                AttachFrames.Stderr => spec.Stderr,
                _ => null,
            };
            if (target is not null && length > 0)
            {
                await target.WriteAsync(payload.AsMemory(0, length), ct);
                await target.FlushAsync(ct);
            }
        }
    }

    private static async Task<bool> ReadExactlyOrEndAsync(Stream connection, Memory<byte> buffer, CancellationToken ct)
    {
        try
        {
            await connection.ReadExactlyAsync(buffer, ct);
            return true;
        }
        catch (EndOfStreamException)
        {
            return false;
        }
        catch (IOException)
        {
            // The launcher went away with the container.
            return false;
        }
    }

    /// <summary>
    /// Sizes the client sent before a stdin chunk go out ahead of it, under the same gate: the resize
    /// that kubectl sends as it attaches reaches the terminal before the first line typed into it
    /// (a shell reading `stty size` from that line sees the client's window, not the default).
    /// </summary>
    private static async Task FeedStdinAsync(Stream connection, SemaphoreSlim gate, Stream stdin, ChannelReader<TerminalSize>? sizes, CancellationToken ct)
    {
        var buffer = new byte[StdinChunk];
        int read;
        while ((read = await stdin.ReadAsync(buffer, ct)) > 0)
        {
            await SendAsync(connection, gate, sizes, AttachFrames.Encode(AttachFrames.Stdin, buffer.AsSpan(0, read)), ct);
        }

        await SendAsync(connection, gate, sizes, AttachFrames.Encode(AttachFrames.StdinEnd, []), ct);
    }

    private static async Task FeedResizeAsync(Stream connection, SemaphoreSlim gate, ChannelReader<TerminalSize> sizes, CancellationToken ct)
    {
        while (await sizes.WaitToReadAsync(ct))
        {
            await SendAsync(connection, gate, sizes, frame: null, ct);
        }
    }

    /// <summary>Writes the sizes waiting, then <paramref name="frame"/> (if any), as one turn at the connection.</summary>
    private static async Task SendAsync(Stream connection, SemaphoreSlim gate, ChannelReader<TerminalSize>? sizes, byte[]? frame, CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            while (sizes is not null && sizes.TryRead(out var size))
            {
                await connection.WriteAsync(AttachFrames.EncodeResize(size), ct);
            }

            if (frame is not null)
            {
                await connection.WriteAsync(frame, ct);
            }

            await connection.FlushAsync(ct);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Input ends with the session: a cancelled or broken feed is how it stops, not a failure.</summary>
    private static async Task Quietly(Task feed)
    {
        try
        {
            await feed;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
        }
    }
}
