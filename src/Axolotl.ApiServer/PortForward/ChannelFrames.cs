using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;

namespace Axolotl.ApiServer.PortForward;

/// <summary>
/// The k8s.io channel framing the client libraries speak over a WebSocket. In the binary protocols
/// (<c>v4.channel.k8s.io</c>, or none) every message is one binary frame: a channel byte, then the
/// data. In <c>v4.base64.channel.k8s.io</c> every message is a text frame: the channel as an ASCII
/// digit ('0' + channel), then the data in standard base64. Port-forward opens two channels per
/// requested port (data 2·i, error 2·i+1) and starts each with the port as 2 bytes little-endian.
/// </summary>
public static class ChannelFrames
{
    public const string BinaryProtocol = "v4.channel.k8s.io";
    public const string Base64Protocol = "v4.base64.channel.k8s.io";

    /// <summary>One whole message (its channel and payload) as it goes on the wire.</summary>
    public static (byte[] Message, WebSocketMessageType Type) Encode(byte channel, ReadOnlySpan<byte> data, bool base64)
    {
        if (!base64)
        {
            var message = new byte[data.Length + 1];
            message[0] = channel;
            data.CopyTo(message.AsSpan(1));
            return (message, WebSocketMessageType.Binary);
        }
        var text = (char)('0' + channel) + Convert.ToBase64String(data);
        return (Encoding.ASCII.GetBytes(text), WebSocketMessageType.Text);
    }

    /// <summary>The port announcement each channel of a port-forward begins with.</summary>
    public static byte[] PortPrefix(int port)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, checked((ushort)port));
        return bytes;
    }

    /// <summary>
    /// Splits a received message into its channel and payload. An empty message carries nothing (null);
    /// a malformed one (wrong frame type for the protocol, bad base64) throws <see cref="FormatException"/>.
    /// </summary>
    public static (byte Channel, byte[] Data)? Decode(ReadOnlySpan<byte> message, WebSocketMessageType type, bool base64)
    {
        if (message.IsEmpty)
        {
            return null;
        }
        if (!base64)
        {
            if (type != WebSocketMessageType.Binary)
            {
                throw new FormatException("expected a binary message");
            }
            return (message[0], message[1..].ToArray());
        }
        if (type != WebSocketMessageType.Text)
        {
            throw new FormatException("expected a text message");
        }
        var channel = message[0] - '0';
        if (channel is < 0 or > byte.MaxValue - '0')
        {
            throw new FormatException($"invalid channel character {message[0]}");
        }
        var text = Encoding.ASCII.GetString(message[1..]);
        try
        {
            return ((byte)channel, Convert.FromBase64String(text));
        }
        catch (FormatException)
        {
            // .NET's own message is longer than a WebSocket close reason may be.
            throw new FormatException("invalid base64 data");
        }
    }
}
