using System.Buffers.Binary;

namespace Axolotl.ApiServer.PortForward.Spdy;

/// <summary>
/// Encodes and decodes SPDY/3.1 frames on a byte stream. Control frames: C bit + version 3, type,
/// flags, 24-bit length; data frames: 31-bit stream id, flags, 24-bit length. Owns the connection's
/// two header-compression contexts, so one framer serves one connection. Not thread-safe: one reader
/// and one (serialised) writer.
/// </summary>
public sealed class SpdyFramer : IDisposable
{
    public const ushort Version = 3;
    public const byte FlagFin = 0x01;
    public const byte FlagUnidirectional = 0x02;

    /// <summary>Frames larger than this are refused: port-forward data frames are at most a few tens of KiB.</summary>
    public const int MaxFrameLength = 1 << 20;

    private const ushort TypeSynStream = 1;
    private const ushort TypeSynReply = 2;
    private const ushort TypeRstStream = 3;
    private const ushort TypeSettings = 4;
    private const ushort TypePing = 6;
    private const ushort TypeGoAway = 7;
    private const ushort TypeHeaders = 8;
    private const ushort TypeWindowUpdate = 9;

    private readonly SpdyHeaderEncoder _encoder = new();
    private readonly SpdyHeaderDecoder _decoder = new();
    private readonly byte[] _head = new byte[8];

    /// <summary>Reads the next frame; null when the stream ended cleanly between frames.</summary>
    public async Task<SpdyFrame?> ReadAsync(Stream input, CancellationToken ct)
    {
        var got = await input.ReadAtLeastAsync(_head, 8, throwOnEndOfStream: false, ct);
        if (got == 0)
        {
            return null;
        }
        if (got < 8)
        {
            throw new SpdyProtocolException("connection ended inside a frame header");
        }
        var flags = _head[4];
        var length = (_head[5] << 16) | (_head[6] << 8) | _head[7];
        if (length > MaxFrameLength)
        {
            throw new SpdyProtocolException($"frame of {length} bytes is too large");
        }
        var body = new byte[length];
        await input.ReadExactlyAsync(body, ct);
        if ((_head[0] & 0x80) == 0)
        {
            var streamId = BinaryPrimitives.ReadUInt32BigEndian(_head) & 0x7FFFFFFF;
            return new DataFrame(streamId, (flags & FlagFin) != 0, body);
        }
        var version = (ushort)(BinaryPrimitives.ReadUInt16BigEndian(_head) & 0x7FFF);
        if (version != Version)
        {
            throw new SpdyProtocolException($"unsupported SPDY version {version}");
        }
        var type = BinaryPrimitives.ReadUInt16BigEndian(_head.AsSpan(2));
        return DecodeControl(type, flags, body);
    }

    private SpdyFrame DecodeControl(ushort type, byte flags, byte[] body)
    {
        var fin = (flags & FlagFin) != 0;
        switch (type)
        {
            case TypeSynStream:
                Require(body, 10, "SYN_STREAM");
                return new SynStreamFrame(StreamId(body, 0), StreamId(body, 4), (byte)(body[8] >> 5), fin,
                    (flags & FlagUnidirectional) != 0, _decoder.Decode(body.AsSpan(10)));
            case TypeSynReply:
                Require(body, 4, "SYN_REPLY");
                return new SynReplyFrame(StreamId(body, 0), fin, _decoder.Decode(body.AsSpan(4)));
            case TypeRstStream:
                Require(body, 8, "RST_STREAM");
                return new RstStreamFrame(StreamId(body, 0), (SpdyRstStatus)BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(4)));
            case TypeSettings:
                Require(body, 4, "SETTINGS");
                var count = BinaryPrimitives.ReadUInt32BigEndian(body);
                if (count > (body.Length - 4) / 8)
                {
                    throw new SpdyProtocolException("SETTINGS frame truncated");
                }
                var settings = new List<SpdySetting>((int)count);
                for (var i = 0; i < count; i++)
                {
                    var entry = body.AsSpan(4 + (i * 8));
                    settings.Add(new SpdySetting(entry[0], BinaryPrimitives.ReadUInt32BigEndian(entry) & 0xFFFFFF,
                        BinaryPrimitives.ReadUInt32BigEndian(entry[4..])));
                }
                return new SettingsFrame(settings);
            case TypePing:
                Require(body, 4, "PING");
                return new PingFrame(BinaryPrimitives.ReadUInt32BigEndian(body));
            case TypeGoAway:
                Require(body, 4, "GOAWAY");
                return new GoAwayFrame(StreamId(body, 0), body.Length >= 8 ? BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(4)) : 0);
            case TypeHeaders:
                Require(body, 4, "HEADERS");
                return new HeadersFrame(StreamId(body, 0), fin, _decoder.Decode(body.AsSpan(4)));
            case TypeWindowUpdate:
                Require(body, 8, "WINDOW_UPDATE");
                return new WindowUpdateFrame(StreamId(body, 0), BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(4)) & 0x7FFFFFFF);
            default:
                return new UnknownControlFrame(type);
        }
    }

    /// <summary>The frame's bytes. Header-carrying frames advance the compression context, so encode in send order.</summary>
    public byte[] Encode(SpdyFrame frame) => frame switch
    {
        DataFrame d => EncodeData(d),
        SynStreamFrame s => Control(TypeSynStream, (byte)((s.Fin ? FlagFin : 0) | (s.Unidirectional ? FlagUnidirectional : 0)),
            [.. Word(s.StreamId), .. Word(s.AssociatedStreamId), (byte)(s.Priority << 5), 0, .. _encoder.Encode(s.Headers)]),
        SynReplyFrame r => Control(TypeSynReply, r.Fin ? FlagFin : (byte)0, [.. Word(r.StreamId), .. _encoder.Encode(r.Headers)]),
        RstStreamFrame r => Control(TypeRstStream, 0, [.. Word(r.StreamId), .. Word((uint)r.Status)]),
        SettingsFrame s => Control(TypeSettings, 0,
            [.. Word((uint)s.Settings.Count), .. s.Settings.SelectMany(e => (byte[])[.. Word((uint)(e.Flags << 24) | (e.Id & 0xFFFFFF)), .. Word(e.Value)])]),
        PingFrame p => Control(TypePing, 0, Word(p.Id)),
        GoAwayFrame g => Control(TypeGoAway, 0, [.. Word(g.LastGoodStreamId), .. Word(g.Status)]),
        HeadersFrame h => Control(TypeHeaders, h.Fin ? FlagFin : (byte)0, [.. Word(h.StreamId), .. _encoder.Encode(h.Headers)]),
        WindowUpdateFrame w => Control(TypeWindowUpdate, 0, [.. Word(w.StreamId), .. Word(w.Delta & 0x7FFFFFFF)]),
        _ => throw new ArgumentException($"cannot encode {frame.GetType().Name}", nameof(frame)),
    };

    private static byte[] EncodeData(DataFrame frame)
    {
        var bytes = new byte[8 + frame.Data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, frame.StreamId & 0x7FFFFFFF);
        WriteFlagsAndLength(bytes, frame.Fin ? FlagFin : (byte)0, frame.Data.Length);
        frame.Data.Span.CopyTo(bytes.AsSpan(8));
        return bytes;
    }

    private static byte[] Control(ushort type, byte flags, byte[] body)
    {
        var bytes = new byte[8 + body.Length];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, 0x8000 | Version);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2), type);
        WriteFlagsAndLength(bytes, flags, body.Length);
        body.CopyTo(bytes, 8);
        return bytes;
    }

    private static void WriteFlagsAndLength(byte[] bytes, byte flags, int length)
    {
        bytes[4] = flags;
        bytes[5] = (byte)(length >> 16);
        bytes[6] = (byte)(length >> 8);
        bytes[7] = (byte)length;
    }

    private static byte[] Word(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    private static uint StreamId(byte[] body, int offset) => BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(offset)) & 0x7FFFFFFF;

    private static void Require(byte[] body, int length, string name)
    {
        if (body.Length < length)
        {
            throw new SpdyProtocolException($"{name} frame too short");
        }
    }

    public void Dispose() => _decoder.Dispose();
}
