namespace Axolotl.ApiServer.PortForward.Spdy;

/// <summary>The peer broke the SPDY/3.1 framing rules; the session answers with GOAWAY(PROTOCOL_ERROR) and ends.</summary>
public sealed class SpdyProtocolException : Exception
{
    public SpdyProtocolException()
    {
    }

    public SpdyProtocolException(string message) : base(message)
    {
    }

    public SpdyProtocolException(string message, Exception inner) : base(message, inner)
    {
    }
}
