using System.Buffers;
using System.Buffers.Text;
using System.IO.Pipelines;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using Axolotl.Runtime;

namespace Axolotl.Agent.Server;

/// <summary>
/// The client's side of an exec or attach stream (the channel protocols of <see cref="StreamProtocol"/>): one
/// reader for both, so stdin, its v5 close and resizes mean the same in each.
/// </summary>
internal static class ClientStreams
{
    private const byte Stdin = 0;
    private const byte Resize = 4;
    private const byte Close = 255;

    /// <summary>
    /// Reads the client's messages until it closes: stdin into the pipe, v5's close of stdin as its
    /// end, terminal sizes (JSON {"Width":…,"Height":…}) to the runtime when <paramref name="sizes"/> is
    /// given (a terminal's exec or attach). A close or a broken
    /// connection ends stdin and cancels the session. <paramref name="spoke"/> hears of the first message.
    /// </summary>
    public static async Task ReceiveAsync(WebSocket socket, PipeWriter? stdin, ChannelWriter<TerminalSize>? sizes, StreamProtocol protocol,
        CancellationTokenSource session, StreamsReadyGate? spoke = null)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        var stdinOpen = stdin is not null;
        try
        {
            while (true)
            {
                buffer.ResetWrittenCount();
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer.GetMemory(4096), session.Token);
                    buffer.Advance(result.Count);
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);
                spoke?.ClientSpoke();
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
                if (Decode(buffer.WrittenMemory, protocol.Base64) is not { Length: > 0 } message)
                {
                    continue;
                }
                var channel = message.Span[0];
                if (channel == Stdin && stdinOpen && message.Length > 1)
                {
                    await stdin!.WriteAsync(message[1..], session.Token);
                }
                else if (channel == Resize && sizes is not null && ParseSize(message.Span[1..]) is { } size)
                {
                    sizes.TryWrite(size);
                }
                else if (protocol.ClosesStdin && channel == Close && message.Length > 1 && message.Span[1] == Stdin && stdinOpen)
                {
                    stdinOpen = false;
                    await stdin!.CompleteAsync();
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }
        finally
        {
            if (stdinOpen)
            {
                await stdin!.CompleteAsync();
            }
            sizes?.TryComplete();
            if (socket.State != WebSocketState.CloseSent && socket.State != WebSocketState.Closed)
            {
                await session.CancelAsync();
            }
        }
    }

    /// <summary>
    /// A message as channel byte + data: binary frames as they come, base64 frames ("0" + base64)
    /// decoded. A frame that is not valid base64 is dropped, as the kubelet drops it.
    /// </summary>
    internal static ReadOnlyMemory<byte>? Decode(ReadOnlyMemory<byte> frame, bool base64)
    {
        if (!base64 || frame.Length == 0)
        {
            return frame;
        }
        var decoded = new byte[1 + Base64.GetMaxDecodedFromUtf8Length(frame.Length - 1)];
        decoded[0] = (byte)(frame.Span[0] - '0');
        return Base64.DecodeFromUtf8(frame.Span[1..], decoded.AsSpan(1), out _, out var written) == OperationStatus.Done
            ? decoded.AsMemory(0, 1 + written)
            : null;
    }

    /// <summary>kubectl's TerminalSize JSON; anything else (or a size out of range) is dropped, as a resize carries no answer.</summary>
    internal static TerminalSize? ParseSize(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("Width", out var width) && width.TryGetUInt16(out var w)
                && root.TryGetProperty("Height", out var height) && height.TryGetUInt16(out var h)
                ? new TerminalSize(w, h)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
