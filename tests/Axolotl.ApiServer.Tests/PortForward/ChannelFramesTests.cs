using System.Net.WebSockets;
using System.Text;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.PortForward;

namespace Axolotl.ApiServer.Tests.PortForward;

public sealed class ChannelFramesTests
{
    [Fact]
    public void Binary_messages_are_the_channel_byte_then_the_data()
    {
        var (message, type) = ChannelFrames.Encode(2, "hi"u8, base64: false);

        Assert.Equal(WebSocketMessageType.Binary, type);
        Assert.Equal(new byte[] { 2, (byte)'h', (byte)'i' }, message);
    }

    [Fact]
    public void Base64_messages_are_the_channel_digit_then_base64_text()
    {
        var (message, type) = ChannelFrames.Encode(3, "hi"u8, base64: true);

        Assert.Equal(WebSocketMessageType.Text, type);
        Assert.Equal("3aGk=", Encoding.ASCII.GetString(message));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Decoding_what_was_encoded_gives_back_channel_and_data(bool base64)
    {
        var data = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();
        var (message, type) = ChannelFrames.Encode(5, data, base64);

        var decoded = ChannelFrames.Decode(message, type, base64);

        Assert.NotNull(decoded);
        Assert.Equal(5, decoded.Value.Channel);
        Assert.Equal(data, decoded.Value.Data);
    }

    [Fact]
    public void Ports_are_announced_as_two_bytes_little_endian()
    {
        Assert.Equal(new byte[] { 0x90, 0x1F }, ChannelFrames.PortPrefix(8080));
        Assert.Equal(new byte[] { 0xFF, 0xFF }, ChannelFrames.PortPrefix(65535));
    }

    [Fact]
    public void An_empty_message_carries_nothing()
    {
        Assert.Null(ChannelFrames.Decode([], WebSocketMessageType.Binary, base64: false));
    }

    [Theory]
    [InlineData(false, WebSocketMessageType.Text, "0abc")]
    [InlineData(true, WebSocketMessageType.Binary, "0aGk=")]
    [InlineData(true, WebSocketMessageType.Text, "0not base64!")]
    [InlineData(true, WebSocketMessageType.Text, "\u0001aGk=")]
    public void Malformed_messages_are_refused(bool base64, WebSocketMessageType type, string message)
    {
        Assert.Throws<FormatException>(() => ChannelFrames.Decode(Encoding.Latin1.GetBytes(message), type, base64));
    }

    [Theory]
    [InlineData(new[] { "8080" }, new[] { 8080 })]
    [InlineData(new[] { "80,8080" }, new[] { 80, 8080 })]
    [InlineData(new[] { "80", "443,8080" }, new[] { 80, 443, 8080 })]
    [InlineData(new[] { "65535" }, new[] { 65535 })]
    public void Ports_come_repeated_or_comma_separated(string[] values, int[] expected)
    {
        Assert.Equal(expected, PortForwardPorts.Parse(values));
    }

    [Theory]
    [InlineData(new string[0], "query parameter \"ports\" is required")]
    [InlineData(new[] { "" }, "query parameter \"ports\" cannot be empty")]
    [InlineData(new[] { "http" }, "unable to parse \"http\" as a port: strconv.ParseUint: parsing \"http\": invalid syntax")]
    [InlineData(new[] { "80,-1" }, "unable to parse \"80,-1\" as a port: strconv.ParseUint: parsing \"-1\": invalid syntax")]
    [InlineData(new[] { "70000" }, "unable to parse \"70000\" as a port: strconv.ParseUint: parsing \"70000\": value out of range")]
    [InlineData(new[] { "99999999999" }, "unable to parse \"99999999999\" as a port: strconv.ParseUint: parsing \"99999999999\": value out of range")]
    [InlineData(new[] { "0" }, "port \"0\" must be > 0")]
    [InlineData(new[] { "80," }, "unable to parse \"80,\" as a port: strconv.ParseUint: parsing \"\": invalid syntax")]
    public void Bad_ports_get_the_kubelets_400(string[] values, string message)
    {
        var e = Assert.Throws<ApiException>(() => PortForwardPorts.Parse(values));

        Assert.Equal(400, e.Status.Code);
        Assert.Equal(message, e.Status.Message);
    }

    [Fact]
    public void More_ports_than_channels_can_number_are_refused()
    {
        var e = Assert.Throws<ApiException>(() => PortForwardPorts.Parse([string.Join(',', Enumerable.Range(1, PortForwardPorts.MaxPorts + 1))]));

        Assert.Equal(400, e.Status.Code);
    }
}
