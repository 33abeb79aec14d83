using Axolotl.ApiServer.Protobuf;

namespace Axolotl.ApiServer.Tests.Protobuf;

public class WireFormatTests
{
    [Fact]
    public void Unknown_fields_of_every_wire_type_are_skipped()
    {
        var body = ProtoWriter.Envelope("v1", "ConfigMap", raw => raw
            .Varint(90, 300)
            .Fixed64(91, ulong.MaxValue)
            .Bytes(92, [1, 2, 3])
            .Fixed32(93, 5)
            .Tag(94, 3).Varint(1, 1).Tag(95, 3).String(2, "nested").Tag(95, 4).Tag(94, 4)
            .Message(1, m => m.String(1, "c").Varint(99, 1))
            .Entry(2, "a", "b"));

        var decoded = KubeProtobufDecoder.Decode(body);

        JsonAssert.Equal("""{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"c"},"data":{"a":"b"}}""", decoded);
    }

    [Fact]
    public void A_message_field_sent_twice_is_merged_as_protobuf_does()
    {
        var body = ProtoWriter.Envelope("apps/v1", "Deployment", raw => raw
            .Message(2, spec => spec.Varint(1, 2).Message(2, sel => sel.Entry(1, "app", "web")))
            .Message(2, spec => spec.Varint(7, 1).Message(2, sel => sel.Entry(1, "tier", "front")))
            .Message(2, spec => spec.Varint(1, 5)));

        var decoded = KubeProtobufDecoder.Decode(body);

        JsonAssert.Equal("""
            {"kind":"Deployment","apiVersion":"apps/v1",
             "spec":{"replicas":5,"selector":{"matchLabels":{"app":"web","tier":"front"}},"paused":true}}
            """, decoded);
    }

    [Fact]
    public void Fields_are_written_in_upstream_json_order_whatever_the_wire_order()
    {
        var body = ProtoWriter.Envelope("v1", "Namespace", raw => raw
            .Message(1, m => m.Entry(11, "b", "2").String(3, "ns").String(1, "x").Entry(11, "a", "1")));

        var decoded = KubeProtobufDecoder.Decode(body);

        JsonAssert.Equal("""{"kind":"Namespace","apiVersion":"v1","metadata":{"name":"x","namespace":"ns","labels":{"b":"2","a":"1"}}}""", decoded);
    }

    [Fact]
    public void Repeated_integers_are_accepted_packed_and_unpacked()
    {
        var body = ProtoWriter.Envelope("v1", "Pod", raw => raw.Message(2, spec => spec.Message(14, sc => sc
            .Varint(4, 1000)
            .Message(4, packed => packed.RawVarint(2000).RawVarint(3000))
            .Varint(4, 4000))));

        var decoded = KubeProtobufDecoder.Decode(body);

        JsonAssert.Equal("""{"kind":"Pod","apiVersion":"v1","spec":{"securityContext":{"supplementalGroups":[1000,2000,3000,4000]}}}""", decoded);
    }

    [Fact]
    public void Negative_integers_in_ten_byte_varints_stay_negative()
    {
        var body = ProtoWriter.Envelope("v1", "Pod", raw => raw
            .Message(1, m => m.Varint(10, -1))
            .Message(2, spec => spec.Message(2, c => c.String(1, "c").Message(6, p => p.Varint(2, -5).Varint(3, 80)))));

        var decoded = KubeProtobufDecoder.Decode(body);

        JsonAssert.Equal("""
            {"kind":"Pod","apiVersion":"v1","metadata":{"deletionGracePeriodSeconds":-1},
             "spec":{"containers":[{"name":"c","ports":[{"hostPort":-5,"containerPort":80}]}]}}
            """, decoded);
    }

    [Fact]
    public void A_known_field_with_the_wrong_wire_type_is_malformed()
    {
        var body = ProtoWriter.Envelope("v1", "Namespace", raw => raw.Varint(1, 5));

        var error = Assert.Throws<ProtobufDecodeException>(() => KubeProtobufDecoder.Decode(body));

        Assert.Equal(ProtobufDecodeError.Malformed, error.Error);
        Assert.Contains("metadata", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_length_running_past_the_end_is_malformed()
    {
        var body = ProtoWriter.Envelope("v1", "Namespace", raw => raw.Tag(1, 2).RawVarint(50).Raw(1, 2));

        Assert.Equal(ProtobufDecodeError.Malformed, Assert.Throws<ProtobufDecodeException>(() => KubeProtobufDecoder.Decode(body)).Error);
    }

    [Fact]
    public void A_varint_longer_than_ten_bytes_is_malformed()
    {
        var body = ProtoWriter.Envelope("v1", "Namespace", raw => raw.Tag(90, 0).Raw(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01));

        Assert.Equal(ProtobufDecodeError.Malformed, Assert.Throws<ProtobufDecodeException>(() => KubeProtobufDecoder.Decode(body)).Error);
    }

    [Theory]
    [InlineData(new byte[] { 0x00, 0x01 })]             // field number 0
    [InlineData(new byte[] { 0x0E, 0x01 })]             // wire type 6
    [InlineData(new byte[] { 0xA4, 0x06 })]             // end-group with no start
    [InlineData(new byte[] { 0xA3, 0x06, 0x08, 0x01 })] // start-group never closed
    [InlineData(new byte[] { 0xA3, 0x06, 0xAC, 0x06 })] // group closed by another field's end tag
    [InlineData(new byte[] { 0xA5, 0x06, 0x01, 0x02 })] // truncated fixed32
    public void Invalid_tags_and_groups_are_malformed(byte[] rawObject)
    {
        var body = ProtoWriter.Envelope("v1", "Namespace", raw => raw.Raw(rawObject));

        Assert.Equal(ProtobufDecodeError.Malformed, Assert.Throws<ProtobufDecodeException>(() => KubeProtobufDecoder.Decode(body)).Error);
    }

    [Fact]
    public void Envelopes_nested_too_deeply_are_refused_instead_of_exhausting_the_stack()
    {
        var body = ProtoWriter.Envelope("apps/v1", "ControllerRevision", raw => raw.Varint(3, 1));
        for (var i = 0; i < 200; i++)
        {
            var inner = body;
            body = ProtoWriter.Envelope("apps/v1", "ControllerRevision", raw => raw.Message(2, data => data.Bytes(1, inner)));
        }

        Assert.Equal(ProtobufDecodeError.Malformed, Assert.Throws<ProtobufDecodeException>(() => KubeProtobufDecoder.Decode(body)).Error);
    }
}
