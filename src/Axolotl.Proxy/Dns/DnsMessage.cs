using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace Axolotl.Proxy.Dns;

/// <summary>DNS response codes the server sends (RFC 1035 §4.1.1).</summary>
public enum DnsResponseCode
{
    NoError = 0,
    FormatError = 1,
    ServerFailure = 2,
    NameError = 3,
    NotImplemented = 4,
    Refused = 5,
}

/// <summary>
/// One parsed query: the header fields a response echoes, and the single question (the name in lower
/// case without the trailing dot; <see cref="QuestionBytes"/> keeps the wire form, so the response
/// echoes the client's letter case as 0x20-randomising resolvers expect).
/// </summary>
public sealed record DnsQuery(ushort Id, ushort Flags, string Name, ushort Type, ushort Class, ReadOnlyMemory<byte> QuestionBytes)
{
    public int Opcode => (Flags >> 11) & 0xF;

    public bool RecursionDesired => (Flags & 0x0100) != 0;
}

/// <summary>
/// Hand-written parsing and writing of the small subset of DNS messages the cluster DNS server needs:
/// one question in, A records out. Every read is bounds-checked; a packet it cannot make sense of
/// yields a FORMERR answer (or nothing, when not even the header is there to answer to).
/// </summary>
public static class DnsMessage
{
    public const ushort TypeA = 1;
    public const ushort TypeAny = 255;
    public const ushort ClassIn = 1;
    public const ushort ClassAny = 255;
    public const int HeaderLength = 12;
    public const int MaxNameLength = 255;
    public const int MaxLabelLength = 63;

    private const ushort ResponseFlag = 0x8000;
    private const ushort AuthoritativeFlag = 0x0400;
    private const ushort TruncatedFlag = 0x0200;
    private const ushort RecursionDesiredFlag = 0x0100;
    private const int AnswerLength = 16; // name pointer 2, type 2, class 2, TTL 4, length 2, address 4

    /// <summary>Outcome of <see cref="TryParse"/>: a query, an error to answer with, or a packet to drop.</summary>
    public readonly record struct ParseResult(DnsQuery? Query, DnsResponseCode Error, bool Drop);

    /// <summary>
    /// Parses a query. Drops packets shorter than a header and responses (answering those could start a
    /// loop between two servers); anything else malformed becomes FORMERR, another opcode NOTIMP.
    /// </summary>
    public static ParseResult TryParse(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < HeaderLength)
        {
            return new ParseResult(null, DnsResponseCode.FormatError, Drop: true);
        }

        var flags = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        if ((flags & ResponseFlag) != 0)
        {
            return new ParseResult(null, DnsResponseCode.FormatError, Drop: true);
        }

        if (((flags >> 11) & 0xF) != 0)
        {
            return new ParseResult(null, DnsResponseCode.NotImplemented, Drop: false);
        }

        if (BinaryPrimitives.ReadUInt16BigEndian(packet[4..]) != 1)
        {
            return new ParseResult(null, DnsResponseCode.FormatError, Drop: false);
        }

        if (!TryReadName(packet, HeaderLength, out var name, out var end) || end + 4 > packet.Length)
        {
            return new ParseResult(null, DnsResponseCode.FormatError, Drop: false);
        }

        var id = BinaryPrimitives.ReadUInt16BigEndian(packet);
        var type = BinaryPrimitives.ReadUInt16BigEndian(packet[end..]);
        var @class = BinaryPrimitives.ReadUInt16BigEndian(packet[(end + 2)..]);
        var question = packet[HeaderLength..(end + 4)].ToArray();
        return new ParseResult(new DnsQuery(id, flags, name, type, @class, question), DnsResponseCode.NoError, Drop: false);
    }

    /// <summary>
    /// Reads an uncompressed name (a question's first name never needs a pointer, so one is refused
    /// rather than followed). Labels holding a dot or a byte outside printable ASCII are refused too:
    /// no cluster name contains them, and they would make the dotted form ambiguous.
    /// </summary>
    internal static bool TryReadName(ReadOnlySpan<byte> packet, int offset, out string name, out int end)
    {
        name = "";
        end = offset;
        var builder = new StringBuilder();
        var wireLength = 1;
        while (true)
        {
            if (end >= packet.Length)
            {
                return false;
            }

            int length = packet[end];
            end++;
            if (length == 0)
            {
                break;
            }

            if (length > MaxLabelLength)
            {
                return false; // a compression pointer (0b11) or a reserved label type (0b01, 0b10)
            }

            wireLength += length + 1;
            if (wireLength > MaxNameLength || end + length > packet.Length)
            {
                return false;
            }

            if (builder.Length > 0)
            {
                builder.Append('.');
            }

            foreach (var b in packet.Slice(end, length))
            {
                if (b is <= 0x20 or >= 0x7F or (byte)'.')
                {
                    return false;
                }

                builder.Append(char.ToLowerInvariant((char)b));
            }

            end += length;
        }

        name = builder.ToString();
        return true;
    }

    /// <summary>
    /// A response to <paramref name="query"/>: authoritative, the question echoed, one A record per
    /// address (name compressed to the question's). Answers that do not fit in
    /// <paramref name="maxSize"/> are left off and the TC bit set, so the client retries over TCP.
    /// </summary>
    public static byte[] WriteResponse(DnsQuery query, DnsResponseCode code, IReadOnlyList<IPAddress> addresses, uint ttl, int maxSize)
    {
        var question = query.QuestionBytes.Span;
        var room = Math.Max(0, (maxSize - HeaderLength - question.Length) / AnswerLength);
        var count = Math.Min(room, addresses.Count);
        var truncated = count < addresses.Count;
        var buffer = new byte[HeaderLength + question.Length + (count * AnswerLength)];
        var flags = (ushort)(ResponseFlag | AuthoritativeFlag | (query.Flags & RecursionDesiredFlag) | (int)code);
        if (truncated)
        {
            flags |= TruncatedFlag;
        }

        WriteHeader(buffer, query.Id, flags, questions: 1, answers: (ushort)count);
        question.CopyTo(buffer.AsSpan(HeaderLength));
        var offset = HeaderLength + question.Length;
        for (var i = 0; i < count; i++)
        {
            var span = buffer.AsSpan(offset, AnswerLength);
            BinaryPrimitives.WriteUInt16BigEndian(span, 0xC000 | HeaderLength);
            BinaryPrimitives.WriteUInt16BigEndian(span[2..], TypeA);
            BinaryPrimitives.WriteUInt16BigEndian(span[4..], ClassIn);
            BinaryPrimitives.WriteUInt32BigEndian(span[6..], ttl);
            BinaryPrimitives.WriteUInt16BigEndian(span[10..], 4);
            if (!addresses[i].TryWriteBytes(span[12..], out var written) || written != 4)
            {
                throw new ArgumentException($"not an IPv4 address: {addresses[i]}", nameof(addresses));
            }

            offset += AnswerLength;
        }

        return buffer;
    }

    /// <summary>A question-less error response (FORMERR, NOTIMP) to a packet that has at least a header.</summary>
    public static byte[] WriteError(ReadOnlySpan<byte> packet, DnsResponseCode code)
    {
        var buffer = new byte[HeaderLength];
        var id = BinaryPrimitives.ReadUInt16BigEndian(packet);
        var requestFlags = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        var flags = (ushort)(ResponseFlag | (requestFlags & 0x7800) | (requestFlags & RecursionDesiredFlag) | (int)code);
        WriteHeader(buffer, id, flags, questions: 0, answers: 0);
        return buffer;
    }

    private static void WriteHeader(Span<byte> buffer, ushort id, ushort flags, ushort questions, ushort answers)
    {
        BinaryPrimitives.WriteUInt16BigEndian(buffer, id);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[2..], flags);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[4..], questions);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[6..], answers);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[8..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[10..], 0);
    }
}
