using System.Buffers.Binary;

namespace Axolotl.Runtime.Attach;

/// <summary>
/// The frames of the launcher's attach socket (Runtime/Native/attach.h): "&lt;type:1&gt;&lt;length:2,
/// big-endian&gt;&lt;payload&gt;" both ways.
/// </summary>
internal static class AttachFrames
{
    public const int HeaderLength = 3;
    public const int MaxPayload = ushort.MaxValue;

    /// <summary>Agent → launcher.</summary>
    public const byte Stdin = 0;
    public const byte StdinEnd = 1;
    public const byte HelloStdin = 2;
    public const byte Resize = 4;

    /// <summary>Launcher → agent.</summary>
    public const byte Stdout = 1;
    public const byte Stderr = 2;

    /// <summary>One frame (payload at most <see cref="MaxPayload"/> bytes).</summary>
    public static byte[] Encode(byte type, ReadOnlySpan<byte> payload)
    {
        if (payload.Length > MaxPayload)
        {
            throw new ArgumentOutOfRangeException(nameof(payload), "an attach frame carries at most 65535 bytes");
        }

        var frame = new byte[HeaderLength + payload.Length];
        frame[0] = type;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(1), (ushort)payload.Length);
        payload.CopyTo(frame.AsSpan(HeaderLength));
        return frame;
    }

    public static byte[] EncodeResize(TerminalSize size)
    {
        Span<byte> payload = stackalloc byte[4];
        BinaryPrimitives.WriteUInt16BigEndian(payload, size.Width);
        BinaryPrimitives.WriteUInt16BigEndian(payload[2..], size.Height);
        return Encode(Resize, payload);
    }

    /// <summary>The frame's type and payload length, once its header has been read.</summary>
    public static (byte Type, int Length) DecodeHeader(ReadOnlySpan<byte> header) =>
        (header[0], BinaryPrimitives.ReadUInt16BigEndian(header[1..]));
}
