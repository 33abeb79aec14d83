using System.Buffers.Binary;
using System.Text;

namespace Axolotl.ApiServer.PortForward.Spdy;

/// <summary>
/// The preset zlib dictionary of SPDY/3 header blocks (draft-mbelshe-httpbis-spdy-00 §2.6.10.1):
/// common header names and values, each with a 32-bit length prefix, then a run of status lines,
/// dates and media types without prefixes. 1,423 bytes; zlib names it by its Adler-32 (0xE3C6A7C2).
/// </summary>
internal static class SpdyHeaderDictionary
{
    private static readonly string[] Prefixed =
    [
        "options", "head", "post", "put", "delete", "trace", "accept", "accept-charset", "accept-encoding",
        "accept-language", "accept-ranges", "age", "allow", "authorization", "cache-control", "connection",
        "content-base", "content-encoding", "content-language", "content-length", "content-location",
        "content-md5", "content-range", "content-type", "date", "etag", "expect", "expires", "from", "host",
        "if-match", "if-modified-since", "if-none-match", "if-range", "if-unmodified-since", "last-modified",
        "location", "max-forwards", "pragma", "proxy-authenticate", "proxy-authorization", "range", "referer",
        "retry-after", "server", "te", "trailer", "transfer-encoding", "upgrade", "user-agent", "vary", "via",
        "warning", "www-authenticate", "method", "get", "status", "200 OK", "version", "HTTP/1.1", "url",
        "public", "set-cookie", "keep-alive", "origin",
    ];

    private const string Tail =
        "100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505" +
        "203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized" +
        "403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable" +
        "Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT" +
        "chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain," +
        "text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.";

    public static byte[] Bytes { get; } = Build();

    public static uint Adler32 { get; } = ComputeAdler32(Bytes);

    private static byte[] Build()
    {
        var output = new List<byte>(1423);
        Span<byte> length = stackalloc byte[4];
        foreach (var word in Prefixed)
        {
            BinaryPrimitives.WriteInt32BigEndian(length, word.Length);
            output.AddRange(length.ToArray());
            output.AddRange(Encoding.ASCII.GetBytes(word));
        }
        output.AddRange(Encoding.ASCII.GetBytes(Tail));
        return [.. output];
    }

    internal static uint ComputeAdler32(ReadOnlySpan<byte> data)
    {
        const uint Modulus = 65521;
        uint a = 1, b = 0;
        foreach (var value in data)
        {
            a = (a + value) % Modulus;
            b = (b + a) % Modulus;
        }
        return (b << 16) | a;
    }
}
