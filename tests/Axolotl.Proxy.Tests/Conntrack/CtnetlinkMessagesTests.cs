using System.Buffers.Binary;
using System.Net;
using Axolotl.Proxy.Conntrack;

namespace Axolotl.Proxy.Tests.Conntrack;

/// <summary>ctnetlink's wire format, byte for byte (linux/netlink.h, nfnetlink.h, nfnetlink_conntrack.h).</summary>
public sealed class CtnetlinkMessagesTests
{
    [Fact]
    public void A_dump_request_asks_ctnetlink_for_the_ipv4_table()
    {
        Assert.Equal(
            "14000000" + "0101" + "0103" + "07000000" + "00000000" + "02000000",
            Convert.ToHexStringLower(CtnetlinkMessages.DumpRequest(7)));
    }

    [Fact]
    public void A_delete_names_the_original_tuple_zone_and_id_and_asks_for_an_acknowledgement()
    {
        var flow = new ConntrackFlow(ConntrackFlow.Udp, IPEndPoint.Parse("10.244.0.9:40000"), IPEndPoint.Parse("10.96.0.53:53"), IPAddress.Parse("10.244.0.4"),
            Zone: 3, Id: 0x01020304);

        var hex = Convert.ToHexStringLower(CtnetlinkMessages.DeleteRequest(9, flow));

        Assert.Equal(
            // nlmsghdr: length 88, CTNETLINK << 8 | IPCTNL_MSG_CT_DELETE, NLM_F_REQUEST | NLM_F_ACK, seq 9, pid 0; nfgenmsg AF_INET
            "58000000" + "0201" + "0500" + "09000000" + "00000000" + "02000000" +
            // CTA_TUPLE_ORIG (nested, 52) { CTA_TUPLE_IP (nested, 20) { src, dst }, CTA_TUPLE_PROTO (nested, 28) { 17, 40000, 53 } }
            "34000180" + "14000180" + "080001000af40009" + "080002000a600035" +
            "1c000280" + "0500010011000000" + "060002009c400000" + "0600030000350000" +
            // CTA_ZONE 3, CTA_ID
            "0600120000030000" + "08000c0001020304",
            hex);
    }

    [Fact]
    public void A_dump_answer_yields_its_udp_flows_and_ends_at_done()
    {
        var udp = NewMessage(5, Tuple(1, "10.244.0.9", "10.96.0.53", 17, 40000, 53), Tuple(2, "10.244.0.4", "10.244.0.9", 17, 53, 40000));
        var tcp = NewMessage(5, Tuple(1, "10.244.0.9", "10.96.0.20", 6, 40001, 80), Tuple(2, "10.244.0.3", "10.244.0.9", 6, 8080, 40001));
        var done = new byte[20];
        BinaryPrimitives.WriteUInt32LittleEndian(done, 20);
        BinaryPrimitives.WriteUInt16LittleEndian(done.AsSpan(4), 3);
        BinaryPrimitives.WriteUInt32LittleEndian(done.AsSpan(8), 5);
        var flows = new List<ConntrackFlow>();

        Assert.Equal((false, 0), CtnetlinkMessages.Read([.. udp, .. tcp], 5, flows));
        Assert.Equal((true, 0), CtnetlinkMessages.Read(done, 5, flows));

        var flow = Assert.Single(flows);
        Assert.Equal(IPEndPoint.Parse("10.96.0.53:53"), flow.OriginalDestination);
        Assert.Equal(IPEndPoint.Parse("10.244.0.9:40000"), flow.OriginalSource);
        Assert.Equal(IPAddress.Parse("10.244.0.4"), flow.ReplySource);
    }

    [Fact]
    public void An_error_answer_gives_its_errno()
    {
        var error = new byte[36];
        BinaryPrimitives.WriteUInt32LittleEndian(error, 36);
        BinaryPrimitives.WriteUInt16LittleEndian(error.AsSpan(4), 2);
        BinaryPrimitives.WriteUInt32LittleEndian(error.AsSpan(8), 4);
        BinaryPrimitives.WriteInt32LittleEndian(error.AsSpan(16), -2);

        Assert.Equal((true, 2), CtnetlinkMessages.Read(error, 4, null));
        Assert.Equal((false, 0), CtnetlinkMessages.Read(error, 5, null));
    }

    private static byte[] NewMessage(uint sequence, params byte[][] attributes)
    {
        var body = attributes.SelectMany(a => a).ToArray();
        var message = new byte[20 + body.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(message, (uint)message.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(4), 0x0100);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(6), 2);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(8), sequence);
        message[16] = 2;
        body.CopyTo(message, 20);
        return message;
    }

    private static byte[] Tuple(ushort type, string source, string destination, byte protocol, ushort sourcePort, ushort destinationPort)
    {
        var ip = Nested(1, Attribute(1, IPAddress.Parse(source).GetAddressBytes()), Attribute(2, IPAddress.Parse(destination).GetAddressBytes()));
        var proto = Nested(2, Attribute(1, [protocol]), Attribute(2, BigEndian(sourcePort)), Attribute(3, BigEndian(destinationPort)));
        return Nested(type, ip, proto);
    }

    private static byte[] Nested(ushort type, params byte[][] children) => Attribute((ushort)(type | 0x8000), children.SelectMany(c => c).ToArray());

    private static byte[] Attribute(ushort type, byte[] payload)
    {
        var attribute = new byte[(4 + payload.Length + 3) & ~3];
        BinaryPrimitives.WriteUInt16LittleEndian(attribute, (ushort)(4 + payload.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(attribute.AsSpan(2), type);
        payload.CopyTo(attribute, 4);
        return attribute;
    }

    private static byte[] BigEndian(ushort value) => [(byte)(value >> 8), (byte)value];
}
