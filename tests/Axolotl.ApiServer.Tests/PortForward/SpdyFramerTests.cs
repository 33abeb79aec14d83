using Axolotl.ApiServer.PortForward.Spdy;

namespace Axolotl.ApiServer.Tests.PortForward;

public sealed class SpdyFramerTests
{
    public static TheoryData<SpdyFrame> Frames() =>
    [
        new SynStreamFrame(1, 0, 0, false, false, [new("streamtype", "error"), new("port", "80"), new("requestid", "0")]),
        new SynStreamFrame(3, 1, 7, true, true, []),
        new SynReplyFrame(1, false, []),
        new SynReplyFrame(3, true, [new("a", "b")]),
        new RstStreamFrame(3, SpdyRstStatus.Cancel),
        new SettingsFrame([new SpdySetting(0, SpdySetting.InitialWindowSize, 1024), new SpdySetting(1, 4, 100)]),
        new PingFrame(7),
        new GoAwayFrame(5, 0),
        new HeadersFrame(5, true, [new("x", "y")]),
        new WindowUpdateFrame(0, 65536),
    ];

    [Theory]
    [MemberData(nameof(Frames))]
    public async Task Control_frames_survive_a_round_trip(SpdyFrame frame)
    {
        using var writer = new SpdyFramer();
        using var reader = new SpdyFramer();
        using var wire = new MemoryStream(writer.Encode(frame));

        var read = await reader.ReadAsync(wire, CancellationToken.None);

        Assert.Equivalent(frame, read, strict: true);
        Assert.Null(await reader.ReadAsync(wire, CancellationToken.None));
    }

    [Fact]
    public async Task Data_frames_carry_the_stream_the_fin_flag_and_the_bytes()
    {
        using var framer = new SpdyFramer();
        var bytes = framer.Encode(new DataFrame(9, true, "hello"u8.ToArray()));
        using var wire = new MemoryStream(bytes);

        var read = Assert.IsType<DataFrame>(await framer.ReadAsync(wire, CancellationToken.None));

        Assert.Equal([0, 0, 0, 9, 1, 0, 0, 5], bytes[..8]);
        Assert.Equal(9u, read.StreamId);
        Assert.True(read.Fin);
        Assert.Equal("hello"u8.ToArray(), read.Data.ToArray());
    }

    [Fact]
    public async Task Control_frames_have_the_control_bit_version_3_and_type()
    {
        using var framer = new SpdyFramer();

        var ping = framer.Encode(new PingFrame(0x01020304));

        Assert.Equal([0x80, 0x03, 0x00, 0x06, 0x00, 0x00, 0x00, 0x04, 1, 2, 3, 4], ping);
        using var wire = new MemoryStream(ping);
        Assert.Equal(new PingFrame(0x01020304), await framer.ReadAsync(wire, CancellationToken.None));
    }

    [Fact]
    public async Task Another_spdy_version_is_a_protocol_error()
    {
        using var framer = new SpdyFramer();
        using var wire = new MemoryStream([0x80, 0x02, 0x00, 0x06, 0x00, 0x00, 0x00, 0x04, 0, 0, 0, 1]);

        await Assert.ThrowsAsync<SpdyProtocolException>(() => framer.ReadAsync(wire, CancellationToken.None));
    }

    [Fact]
    public async Task Unknown_control_frame_types_are_passed_over()
    {
        using var framer = new SpdyFramer();
        using var wire = new MemoryStream([0x80, 0x03, 0x00, 0x0A, 0x00, 0x00, 0x00, 0x02, 9, 9]);

        Assert.Equal(new UnknownControlFrame(10), await framer.ReadAsync(wire, CancellationToken.None));
    }

    [Fact]
    public async Task A_connection_that_ends_inside_a_frame_is_an_error()
    {
        using var framer = new SpdyFramer();
        using var wire = new MemoryStream([0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x09, 1, 2]);

        await Assert.ThrowsAnyAsync<EndOfStreamException>(() => framer.ReadAsync(wire, CancellationToken.None));
    }
}
