namespace Axolotl.ApiServer.PortForward.Spdy;

/// <summary>One SPDY/3.1 frame, decoded. Header blocks are already decompressed name/value pairs.</summary>
public abstract record SpdyFrame;

public sealed record SynStreamFrame(uint StreamId, uint AssociatedStreamId, byte Priority, bool Fin, bool Unidirectional,
    IReadOnlyList<KeyValuePair<string, string>> Headers) : SpdyFrame;

public sealed record SynReplyFrame(uint StreamId, bool Fin, IReadOnlyList<KeyValuePair<string, string>> Headers) : SpdyFrame;

public sealed record RstStreamFrame(uint StreamId, SpdyRstStatus Status) : SpdyFrame;

public sealed record SettingsFrame(IReadOnlyList<SpdySetting> Settings) : SpdyFrame;

public sealed record PingFrame(uint Id) : SpdyFrame;

public sealed record GoAwayFrame(uint LastGoodStreamId, uint Status) : SpdyFrame;

public sealed record HeadersFrame(uint StreamId, bool Fin, IReadOnlyList<KeyValuePair<string, string>> Headers) : SpdyFrame;

public sealed record WindowUpdateFrame(uint StreamId, uint Delta) : SpdyFrame;

public sealed record DataFrame(uint StreamId, bool Fin, ReadOnlyMemory<byte> Data) : SpdyFrame;

/// <summary>A control frame of a type this implementation does not know; SPDY says to ignore it.</summary>
public sealed record UnknownControlFrame(ushort Type) : SpdyFrame;

public readonly record struct SpdySetting(byte Flags, uint Id, uint Value)
{
    public const uint InitialWindowSize = 7;
}

public enum SpdyRstStatus : uint
{
    ProtocolError = 1,
    InvalidStream = 2,
    RefusedStream = 3,
    UnsupportedVersion = 4,
    Cancel = 5,
    InternalError = 6,
    FlowControlError = 7,
    StreamInUse = 8,
    StreamAlreadyClosed = 9,
    FrameTooLarge = 11,
}
