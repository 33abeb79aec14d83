using Axolotl.ApiServer.PortForward.Spdy;

namespace Axolotl.ApiServer.Tests.PortForward;

public sealed class SpdyHeaderCompressionTests
{
    // Two header blocks of kubectl's shape, compressed by zlib (level 9, SPDY/3 dictionary) in one
    // context with a sync flush after each, as Go's compress/zlib does for spdystream.
    private const string ZlibBlock1 = "78f9e3c6a7c202253a703a2b294a4dcc851625aca9a0808614cb45e01c6061606100a4398b20d198094ade8c0600000000ffff";
    private const string ZlibBlock2 = "c2aa19540e2512d60b000000ffff";

    [Fact]
    public void The_dictionary_is_the_spdy3_constant()
    {
        Assert.Equal(1423, SpdyHeaderDictionary.Bytes.Length);
        Assert.Equal(0xE3C6A7C2u, SpdyHeaderDictionary.Adler32);
    }

    [Fact]
    public void Blocks_compressed_by_zlib_with_the_dictionary_decode_in_sequence()
    {
        using var decoder = new SpdyHeaderDecoder();

        var first = decoder.Decode(Convert.FromHexString(ZlibBlock1));
        var second = decoder.Decode(Convert.FromHexString(ZlibBlock2));

        Assert.Equal([new("streamtype", "error"), new("port", "8080"), new("requestid", "0")], first);
        Assert.Equal([new("streamtype", "data"), new("port", "8080"), new("requestid", "0")], second);
    }

    [Fact]
    public void Encoded_blocks_name_the_dictionary_and_decode_back()
    {
        var encoder = new SpdyHeaderEncoder();
        using var decoder = new SpdyHeaderDecoder();

        var first = encoder.Encode([new("Port", "80"), new("multi", "a"), new("multi", "b")]);
        var second = encoder.Encode([]);

        Assert.Equal(0x78, first[0]);
        Assert.Equal(0x20, first[1] & 0x20);
        Assert.Equal(0, ((first[0] << 8) + first[1]) % 31);
        Assert.Equal(Convert.FromHexString("E3C6A7C2"), first[2..6]);
        Assert.Equal([new("port", "80"), new("multi", "a"), new("multi", "b")], decoder.Decode(first));
        Assert.Empty(decoder.Decode(second));
    }

    [Fact]
    public void A_block_that_is_not_zlib_is_a_protocol_error()
    {
        using var decoder = new SpdyHeaderDecoder();

        Assert.Throws<SpdyProtocolException>(() => decoder.Decode([1, 2, 3, 4]));
    }

    [Fact]
    public void A_zlib_stream_with_another_dictionary_is_a_protocol_error()
    {
        using var decoder = new SpdyHeaderDecoder();

        Assert.Throws<SpdyProtocolException>(() => decoder.Decode([0x78, 0x3F, 1, 2, 3, 4, 0]));
    }
}
