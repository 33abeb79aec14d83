using System.Buffers.Binary;
using System.Net;

namespace Axolotl.Proxy.Conntrack;

/// <summary>
/// ctnetlink's messages (NETLINK_NETFILTER, subsystem CTNETLINK), encoded and decoded by hand: a dump of the IPv4 table,
/// a delete by original tuple (and id), and the kernel's answers. Layouts from linux/netlink.h, linux/netfilter/nfnetlink.h
/// and nfnetlink_conntrack.h. Pure: bytes in, bytes out.
/// </summary>
internal static class CtnetlinkMessages
{
    public const int HeaderLength = 16;
    private const int NfgenLength = 4;

    private const ushort SubsystemCtnetlink = 1;
    private const ushort MessageNew = 0;
    private const ushort MessageGet = 1;
    private const ushort MessageDelete = 2;

    private const ushort FlagRequest = 0x1;
    private const ushort FlagAck = 0x4;
    private const ushort FlagDump = 0x300;

    public const ushort Error = 2;
    public const ushort Done = 3;

    private const byte AfInet = 2;

    private const ushort NestedFlag = 0x8000;
    private const ushort TypeMask = 0x3fff;

    // enum ctattr_type
    private const ushort TupleOrig = 1;
    private const ushort TupleReply = 2;
    private const ushort Id = 12;
    private const ushort Zone = 18;

    // enum ctattr_tuple, ctattr_ip, ctattr_l4proto
    private const ushort TupleIp = 1;
    private const ushort TupleProto = 2;
    private const ushort IpV4Src = 1;
    private const ushort IpV4Dst = 2;
    private const ushort ProtoNum = 1;
    private const ushort ProtoSrcPort = 2;
    private const ushort ProtoDstPort = 3;

    /// <summary>IPCTNL_MSG_CT_GET with NLM_F_DUMP for the IPv4 table.</summary>
    public static byte[] DumpRequest(uint sequence)
    {
        var message = new byte[HeaderLength + NfgenLength];
        Header(message, (SubsystemCtnetlink << 8) | MessageGet, FlagRequest | FlagDump, sequence);
        message[HeaderLength] = AfInet;
        return message;
    }

    /// <summary>IPCTNL_MSG_CT_DELETE of the entry with <paramref name="flow"/>'s original tuple (and id, zone), acknowledged.</summary>
    public static byte[] DeleteRequest(uint sequence, ConntrackFlow flow)
    {
        var writer = new List<byte>(96);
        writer.AddRange(new byte[HeaderLength + NfgenLength]);
        writer[HeaderLength] = AfInet;
        var tuple = BeginNested(writer, TupleOrig);
        var ip = BeginNested(writer, TupleIp);
        Attribute(writer, IpV4Src, flow.OriginalSource.Address.GetAddressBytes());
        Attribute(writer, IpV4Dst, flow.OriginalDestination.Address.GetAddressBytes());
        EndNested(writer, ip);
        var proto = BeginNested(writer, TupleProto);
        Attribute(writer, ProtoNum, [flow.Protocol]);
        Attribute(writer, ProtoSrcPort, BigEndian16((ushort)flow.OriginalSource.Port));
        Attribute(writer, ProtoDstPort, BigEndian16((ushort)flow.OriginalDestination.Port));
        EndNested(writer, proto);
        EndNested(writer, tuple);
        if (flow.Zone != 0)
        {
            Attribute(writer, Zone, BigEndian16(flow.Zone));
        }
        if (flow.Id is { } id)
        {
            var bytes = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(bytes, id);
            Attribute(writer, Id, bytes);
        }
        var message = writer.ToArray();
        Header(message, (SubsystemCtnetlink << 8) | MessageDelete, FlagRequest | FlagAck, sequence);
        return message;
    }

    /// <summary>
    /// IPCTNL_MSG_CT_GET of the one entry whose reply tuple is <paramref name="replySource"/> → <paramref name="replyDestination"/>
    /// (what the endpoint's socket sees: its own address and the peer's), zone 0. The kernel answers with the entry, whose
    /// original tuple says where the client sent it (a drained connection's Service frontend, ADR 0030), or ENOENT.
    /// </summary>
    public static byte[] GetByReplyRequest(uint sequence, byte protocol, System.Net.IPEndPoint replySource, System.Net.IPEndPoint replyDestination)
    {
        var writer = new List<byte>(96);
        writer.AddRange(new byte[HeaderLength + NfgenLength]);
        writer[HeaderLength] = AfInet;
        var tuple = BeginNested(writer, TupleReply);
        var ip = BeginNested(writer, TupleIp);
        Attribute(writer, IpV4Src, replySource.Address.GetAddressBytes());
        Attribute(writer, IpV4Dst, replyDestination.Address.GetAddressBytes());
        EndNested(writer, ip);
        var proto = BeginNested(writer, TupleProto);
        Attribute(writer, ProtoNum, [protocol]);
        Attribute(writer, ProtoSrcPort, BigEndian16((ushort)replySource.Port));
        Attribute(writer, ProtoDstPort, BigEndian16((ushort)replyDestination.Port));
        EndNested(writer, proto);
        EndNested(writer, tuple);
        var message = writer.ToArray();
        Header(message, (SubsystemCtnetlink << 8) | MessageGet, FlagRequest | FlagAck, sequence);
        return message;
    }

    /// <summary>
    /// Walks the netlink messages in one datagram: flows of a dump go to <paramref name="flows"/> (UDP over IPv4 only), and
    /// the return says whether the answer is complete (NLMSG_DONE, or an acknowledgement) with its errno (0: success).
    /// <paramref name="protocol"/> says which protocol's flows are kept (UDP unless told).
    /// </summary>
    public static (bool Complete, int Errno) Read(ReadOnlySpan<byte> datagram, uint sequence, List<ConntrackFlow>? flows, byte protocol = ConntrackFlow.Udp)
    {
        var offset = 0;
        while (offset + HeaderLength <= datagram.Length)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(datagram[offset..]);
            if (length < HeaderLength || offset + length > datagram.Length)
            {
                throw new InvalidDataException($"netlink message of {length} bytes at {offset} in a datagram of {datagram.Length}");
            }
            var type = BinaryPrimitives.ReadUInt16LittleEndian(datagram[(offset + 4)..]);
            var seq = BinaryPrimitives.ReadUInt32LittleEndian(datagram[(offset + 8)..]);
            var body = datagram.Slice(offset + HeaderLength, length - HeaderLength);
            offset += Align(length);
            if (seq != sequence)
            {
                continue;
            }
            if (type == Done)
            {
                return (true, 0);
            }
            if (type == Error)
            {
                // struct nlmsgerr: a negative errno, 0 for an acknowledgement.
                return (true, body.Length >= 4 ? -BinaryPrimitives.ReadInt32LittleEndian(body) : 0);
            }
            if (flows is not null && type == ((SubsystemCtnetlink << 8) | MessageNew) && body.Length >= NfgenLength && ParseFlow(body[NfgenLength..], protocol) is { } flow)
            {
                flows.Add(flow);
            }
        }
        return (false, 0);
    }

    /// <summary>One IPCTNL_MSG_CT_NEW of a dump (its attributes): a flow of <paramref name="protocol"/> (UDP unless told), or null for any other.</summary>
    public static ConntrackFlow? ParseFlow(ReadOnlySpan<byte> attributes, byte protocol = ConntrackFlow.Udp)
    {
        Tuple? original = null;
        Tuple? reply = null;
        ushort zone = 0;
        uint? id = null;
        foreach (var (type, payload) in Attributes(attributes))
        {
            switch (type)
            {
                case TupleOrig:
                    original = ParseTuple(attributes.Slice(payload.Start, payload.Length));
                    break;
                case TupleReply:
                    reply = ParseTuple(attributes.Slice(payload.Start, payload.Length));
                    break;
                case Zone when payload.Length >= 2:
                    zone = BinaryPrimitives.ReadUInt16BigEndian(attributes[payload.Start..]);
                    break;
                case Id when payload.Length >= 4:
                    id = BinaryPrimitives.ReadUInt32BigEndian(attributes[payload.Start..]);
                    break;
            }
        }
        if (original is not { } o || o.Protocol != protocol || reply is not { } r || o.Source is null || o.Destination is null || r.Source is null)
        {
            return null;
        }
        return new ConntrackFlow(o.Protocol, new IPEndPoint(o.Source, o.SourcePort), new IPEndPoint(o.Destination, o.DestinationPort), r.Source, zone, id);
    }

    private readonly record struct Tuple(IPAddress? Source, IPAddress? Destination, byte Protocol, int SourcePort, int DestinationPort);

    private static Tuple ParseTuple(ReadOnlySpan<byte> attributes)
    {
        var tuple = new Tuple(null, null, 0, 0, 0);
        foreach (var (type, payload) in Attributes(attributes))
        {
            var inner = attributes.Slice(payload.Start, payload.Length);
            if (type == TupleIp)
            {
                foreach (var (ipType, value) in Attributes(inner))
                {
                    if (value.Length == 4 && ipType is IpV4Src or IpV4Dst)
                    {
                        var address = new IPAddress(inner.Slice(value.Start, 4));
                        tuple = ipType == IpV4Src ? tuple with { Source = address } : tuple with { Destination = address };
                    }
                }
            }
            else if (type == TupleProto)
            {
                foreach (var (protoType, value) in Attributes(inner))
                {
                    var field = inner.Slice(value.Start, value.Length);
                    tuple = protoType switch
                    {
                        ProtoNum when field.Length >= 1 => tuple with { Protocol = field[0] },
                        ProtoSrcPort when field.Length >= 2 => tuple with { SourcePort = BinaryPrimitives.ReadUInt16BigEndian(field) },
                        ProtoDstPort when field.Length >= 2 => tuple with { DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(field) },
                        _ => tuple,
                    };
                }
            }
        }
        return tuple;
    }

    /// <summary>The attributes at one nesting level: type (flags masked off) and where the payload lies.</summary>
    private static List<(ushort Type, (int Start, int Length) Payload)> Attributes(ReadOnlySpan<byte> span)
    {
        var result = new List<(ushort, (int, int))>();
        var offset = 0;
        while (offset + 4 <= span.Length)
        {
            var length = BinaryPrimitives.ReadUInt16LittleEndian(span[offset..]);
            var type = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(span[(offset + 2)..]) & TypeMask);
            if (length < 4 || offset + length > span.Length)
            {
                break;
            }
            result.Add((type, (offset + 4, length - 4)));
            offset += Align(length);
        }
        return result;
    }

    private static void Header(byte[] message, int type, int flags, uint sequence)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(message, (uint)message.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(4), (ushort)type);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(6), (ushort)flags);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(8), sequence);
    }

    private static int BeginNested(List<byte> writer, ushort type)
    {
        var start = writer.Count;
        writer.AddRange([0, 0, (byte)(type & 0xff), (byte)((type | NestedFlag) >> 8)]);
        return start;
    }

    private static void EndNested(List<byte> writer, int start)
    {
        var length = writer.Count - start;
        writer[start] = (byte)(length & 0xff);
        writer[start + 1] = (byte)(length >> 8);
    }

    private static void Attribute(List<byte> writer, ushort type, byte[] payload)
    {
        var length = 4 + payload.Length;
        writer.AddRange([(byte)(length & 0xff), (byte)(length >> 8), (byte)(type & 0xff), (byte)(type >> 8)]);
        writer.AddRange(payload);
        for (var pad = Align(length) - length; pad > 0; pad--)
        {
            writer.Add(0);
        }
    }

    private static byte[] BigEndian16(ushort value) => [(byte)(value >> 8), (byte)(value & 0xff)];

    private static int Align(int length) => (length + 3) & ~3;
}
