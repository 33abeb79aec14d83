using System.Buffers.Binary;

namespace Axolotl.Proxy.Dns;

/// <summary>One resource record of a message: its type, where its TTL sits, and its data.</summary>
public readonly record struct DnsRecordSpan(DnsSection Section, ushort Type, int TtlOffset, int DataOffset, int DataLength);

/// <summary>The sections of a DNS message that hold resource records.</summary>
public enum DnsSection
{
    Answer,
    Authority,
    Additional,
}

/// <summary>
/// Reads and edits whole DNS messages as they come back from an upstream resolver (any record type,
/// compressed names), without decoding what the forwarder does not need: the records' places, TTLs,
/// the EDNS payload size, the SOA minimum. Every read is bounds-checked; a message that does not
/// parse is refused (null / false), never half-read.
/// </summary>
public static class DnsWire
{
    public const ushort TypeSoa = 6;
    public const ushort TypeOpt = 41;
    public const int TruncatedFlag = 0x0200;
    private const int ResponseFlag = 0x8000;

    public static ushort Id(ReadOnlySpan<byte> message) => BinaryPrimitives.ReadUInt16BigEndian(message);

    public static ushort Flags(ReadOnlySpan<byte> message) => BinaryPrimitives.ReadUInt16BigEndian(message[2..]);

    public static DnsResponseCode ResponseCode(ReadOnlySpan<byte> message) => (DnsResponseCode)(Flags(message) & 0xF);

    public static bool IsTruncated(ReadOnlySpan<byte> message) => (Flags(message) & TruncatedFlag) != 0;

    public static bool IsResponse(ReadOnlySpan<byte> message) => message.Length >= DnsMessage.HeaderLength && (Flags(message) & ResponseFlag) != 0;

    /// <summary>The offset after the name at <paramref name="offset"/> (a pointer ends it), or -1.</summary>
    public static int SkipName(ReadOnlySpan<byte> message, int offset)
    {
        for (var labels = 0; labels < 128; labels++)
        {
            if (offset >= message.Length)
            {
                return -1;
            }
            int length = message[offset];
            if ((length & 0xC0) == 0xC0)
            {
                return offset + 2 <= message.Length ? offset + 2 : -1;
            }
            if (length > DnsMessage.MaxLabelLength)
            {
                return -1;
            }
            offset += 1 + length;
            if (length == 0)
            {
                return offset;
            }
        }
        return -1;
    }

    /// <summary>The end of the question section (one or more questions), or -1.</summary>
    public static int QuestionEnd(ReadOnlySpan<byte> message)
    {
        if (message.Length < DnsMessage.HeaderLength)
        {
            return -1;
        }
        var offset = DnsMessage.HeaderLength;
        for (var i = 0; i < BinaryPrimitives.ReadUInt16BigEndian(message[4..]); i++)
        {
            offset = SkipName(message, offset);
            if (offset < 0 || offset + 4 > message.Length)
            {
                return -1;
            }
            offset += 4;
        }
        return offset;
    }

    /// <summary>Every resource record after the question, or null when the message does not parse.</summary>
    public static List<DnsRecordSpan>? Records(ReadOnlySpan<byte> message)
    {
        var offset = QuestionEnd(message);
        if (offset < 0)
        {
            return null;
        }
        var records = new List<DnsRecordSpan>();
        (DnsSection Section, int Count)[] sections =
        [
            (DnsSection.Answer, BinaryPrimitives.ReadUInt16BigEndian(message[6..])),
            (DnsSection.Authority, BinaryPrimitives.ReadUInt16BigEndian(message[8..])),
            (DnsSection.Additional, BinaryPrimitives.ReadUInt16BigEndian(message[10..])),
        ];
        foreach (var (section, count) in sections)
        {
            for (var i = 0; i < count; i++)
            {
                offset = SkipName(message, offset);
                if (offset < 0 || offset + 10 > message.Length)
                {
                    return null;
                }
                var type = BinaryPrimitives.ReadUInt16BigEndian(message[offset..]);
                var length = BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 8)..]);
                if (offset + 10 + length > message.Length)
                {
                    return null;
                }
                records.Add(new DnsRecordSpan(section, type, offset + 4, offset + 10, length));
                offset += 10 + length;
            }
        }
        return records;
    }

    /// <summary>The UDP payload size a query's EDNS OPT record advertises, or 512 without one (RFC 6891 §6.2.3: never below 512).</summary>
    public static int UdpPayloadSize(ReadOnlySpan<byte> query)
    {
        var records = Records(query);
        var opt = records?.FirstOrDefault(r => r.Section == DnsSection.Additional && r.Type == TypeOpt);
        // The OPT record's class field (two bytes before its TTL) holds the size.
        return opt is { TtlOffset: > 2 } found ? Math.Max(512, (int)BinaryPrimitives.ReadUInt16BigEndian(query[(found.TtlOffset - 2)..])) : 512;
    }

    /// <summary>Whether a message carries an EDNS OPT record (its answers then carry one too, so they are cached apart).</summary>
    public static bool HasOpt(ReadOnlySpan<byte> message) => Records(message)?.Any(r => r.Type == TypeOpt) == true;

    /// <summary>How long a response may be cached, per RFC 2308 and CoreDNS cache; null = not at all.</summary>
    public static TimeSpan? CacheLifetime(ReadOnlySpan<byte> response, TimeSpan maxPositive, TimeSpan maxNegative)
    {
        if (IsTruncated(response) || Records(response) is not { } records)
        {
            return null;
        }
        var code = ResponseCode(response);
        var answers = records.Count(r => r.Section == DnsSection.Answer);
        if (code == DnsResponseCode.NoError && answers > 0)
        {
            var ttl = uint.MaxValue;
            foreach (var record in records)
            {
                if (record.Type != TypeOpt)
                {
                    ttl = Math.Min(ttl, BinaryPrimitives.ReadUInt32BigEndian(response[record.TtlOffset..]));
                }
            }
            return ttl == 0 ? null : Min(TimeSpan.FromSeconds(ttl), maxPositive);
        }
        if (code is DnsResponseCode.NoError or DnsResponseCode.NameError)
        {
            // Negative: the SOA's own TTL or its MINIMUM field (the data's last four bytes), whichever is less; without a SOA, not cached.
            var soa = records.FirstOrDefault(r => r.Section == DnsSection.Authority && r.Type == TypeSoa);
            if (soa.DataLength < 22)
            {
                return null;
            }
            var ttl = Math.Min(BinaryPrimitives.ReadUInt32BigEndian(response[soa.TtlOffset..]), BinaryPrimitives.ReadUInt32BigEndian(response[(soa.DataOffset + soa.DataLength - 4)..]));
            return ttl == 0 ? null : Min(TimeSpan.FromSeconds(ttl), maxNegative);
        }
        return null;
    }

    /// <summary>A cached response made current: the client's ID and question (its letter case), every TTL less the seconds it aged.</summary>
    public static byte[] Refresh(ReadOnlySpan<byte> cached, ushort id, ReadOnlySpan<byte> question, uint agedSeconds)
    {
        var copy = cached.ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(copy, id);
        if (DnsMessage.HeaderLength + question.Length <= copy.Length)
        {
            question.CopyTo(copy.AsSpan(DnsMessage.HeaderLength));
        }
        foreach (var record in Records(copy) ?? [])
        {
            if (record.Type == TypeOpt)
            {
                continue;
            }
            var ttl = BinaryPrimitives.ReadUInt32BigEndian(copy.AsSpan(record.TtlOffset));
            BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(record.TtlOffset), ttl > agedSeconds ? ttl - agedSeconds : 0);
        }
        return copy;
    }

    /// <summary>What a UDP client gets when the answer is larger than it accepts: header and question, TC set, so it asks again over TCP.</summary>
    public static byte[] Truncate(ReadOnlySpan<byte> response, ReadOnlySpan<byte> question)
    {
        var buffer = new byte[DnsMessage.HeaderLength + question.Length];
        response[..4].CopyTo(buffer);
        BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(2), (ushort)(Flags(response) | TruncatedFlag));
        BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(4), 1);
        question.CopyTo(buffer.AsSpan(DnsMessage.HeaderLength));
        return buffer;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>Fills <paramref name="buffer"/> from a DNS-over-TCP stream; false when the peer closed first.</summary>
    public static async Task<bool> ReadExactlyAsync(System.Net.Sockets.Socket socket, Memory<byte> buffer, CancellationToken ct)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await socket.ReceiveAsync(buffer[read..], System.Net.Sockets.SocketFlags.None, ct);
            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        return true;
    }
}
