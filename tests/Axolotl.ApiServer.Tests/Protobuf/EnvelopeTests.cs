using System.Text;
using Axolotl.ApiServer.Protobuf;

namespace Axolotl.ApiServer.Tests.Protobuf;

public class EnvelopeTests
{
    [Fact]
    public void The_decoded_object_starts_with_kind_and_api_version_from_the_envelope()
    {
        var body = ProtoWriter.Envelope("v1", "Namespace", raw => raw.Message(1, m => m.String(1, "x")));

        var decoded = KubeProtobufDecoder.Decode(body);

        JsonAssert.Equal("""{"kind":"Namespace","apiVersion":"v1","metadata":{"name":"x"}}""", decoded);
    }

    [Fact]
    public void A_body_without_the_k8s_magic_is_rejected_as_not_kubernetes_protobuf()
    {
        var error = Assert.Throws<ProtobufDecodeException>(() => KubeProtobufDecoder.Decode(Encoding.UTF8.GetBytes("""{"kind":"Pod"}""")));

        Assert.Equal(ProtobufDecodeError.NotKubernetesProtobuf, error.Error);
    }

    [Fact]
    public void An_empty_body_is_rejected_as_not_kubernetes_protobuf()
    {
        var error = Assert.Throws<ProtobufDecodeException>(() => KubeProtobufDecoder.Decode([]));

        Assert.Equal(ProtobufDecodeError.NotKubernetesProtobuf, error.Error);
    }

    [Theory]
    [InlineData("apps/v1", "Frobnicator")]
    [InlineData("v1", "PodSpec")]
    [InlineData("v1", "ObjectMeta")]
    [InlineData("example.com/v1", "Widget")]
    [InlineData("apps/v1beta1", "Deployment")]
    public void A_kind_without_a_schema_is_rejected_as_unsupported(string apiVersion, string kind)
    {
        var body = ProtoWriter.Envelope(apiVersion, kind, _ => { });

        var error = Assert.Throws<ProtobufDecodeException>(() => KubeProtobufDecoder.Decode(body));

        Assert.Equal(ProtobufDecodeError.UnsupportedKind, error.Error);
        Assert.Contains(kind, error.Message, StringComparison.Ordinal);
        Assert.False(KubeProtobufDecoder.CanDecode(apiVersion, kind));
    }

    [Theory]
    [InlineData("v1", "Namespace")]
    [InlineData("v1", "Pod")]
    [InlineData("v1", "Service")]
    [InlineData("v1", "ConfigMap")]
    [InlineData("v1", "Secret")]
    [InlineData("v1", "ServiceAccount")]
    [InlineData("v1", "ResourceQuota")]
    [InlineData("v1", "LimitRange")]
    [InlineData("v1", "ReplicationController")]
    [InlineData("v1", "Endpoints")]
    [InlineData("v1", "Event")]
    [InlineData("v1", "Binding")]
    [InlineData("v1", "PodTemplate")]
    [InlineData("v1", "Node")]
    [InlineData("apps/v1", "Deployment")]
    [InlineData("apps/v1", "ReplicaSet")]
    [InlineData("apps/v1", "DaemonSet")]
    [InlineData("apps/v1", "StatefulSet")]
    [InlineData("apps/v1", "ControllerRevision")]
    [InlineData("batch/v1", "Job")]
    [InlineData("batch/v1", "CronJob")]
    [InlineData("authorization.k8s.io/v1", "SelfSubjectAccessReview")]
    [InlineData("authorization.k8s.io/v1", "SubjectAccessReview")]
    [InlineData("authorization.k8s.io/v1", "LocalSubjectAccessReview")]
    [InlineData("authorization.k8s.io/v1", "SelfSubjectRulesReview")]
    [InlineData("policy/v1", "PodDisruptionBudget")]
    [InlineData("policy/v1", "Eviction")]
    [InlineData("flowcontrol.apiserver.k8s.io/v1", "FlowSchema")]
    [InlineData("flowcontrol.apiserver.k8s.io/v1", "PriorityLevelConfiguration")]
    [InlineData("apps/v1", "DeleteOptions")]
    [InlineData("meta.k8s.io/v1", "DeleteOptions")]
    public void Every_served_kind_decodes_from_an_empty_object(string apiVersion, string kind)
    {
        Assert.True(KubeProtobufDecoder.CanDecode(apiVersion, kind));

        var decoded = KubeProtobufDecoder.Decode(ProtoWriter.Envelope(apiVersion, kind, _ => { }));

        JsonAssert.Equal($$"""{"kind":"{{kind}}","apiVersion":"{{apiVersion}}"}""", decoded);
    }

    [Fact]
    public void An_envelope_without_type_meta_is_malformed()
    {
        byte[] body = [.. "k8s\0"u8, .. new ProtoWriter().Message(2, _ => { }).ToArray()];

        var error = Assert.Throws<ProtobufDecodeException>(() => KubeProtobufDecoder.Decode(body));

        Assert.Equal(ProtobufDecodeError.Malformed, error.Error);
    }

    [Fact]
    public void A_content_encoding_is_rejected_as_unsupported()
    {
        var body = ProtoWriter.Envelope("v1", "Namespace", _ => { }, contentEncoding: "gzip");

        var error = Assert.Throws<ProtobufDecodeException>(() => KubeProtobufDecoder.Decode(body));

        Assert.Equal(ProtobufDecodeError.UnsupportedEncoding, error.Error);
    }

    [Fact]
    public void An_embedded_content_type_other_than_protobuf_or_json_is_rejected_as_unsupported()
    {
        var body = ProtoWriter.Envelope("v1", "Namespace", _ => { }, contentType: "application/yaml");

        var error = Assert.Throws<ProtobufDecodeException>(() => KubeProtobufDecoder.Decode(body));

        Assert.Equal(ProtobufDecodeError.UnsupportedEncoding, error.Error);
    }

    [Fact]
    public void An_explicit_protobuf_content_type_decodes_as_usual()
    {
        var body = ProtoWriter.Envelope("v1", "Namespace", raw => raw.Message(1, m => m.String(1, "x")),
            contentType: "application/vnd.kubernetes.protobuf");

        JsonAssert.Equal("""{"kind":"Namespace","apiVersion":"v1","metadata":{"name":"x"}}""", KubeProtobufDecoder.Decode(body));
    }

    [Fact]
    public void A_json_payload_inside_the_envelope_is_parsed_and_given_the_envelope_kind()
    {
        var unknown = new ProtoWriter()
            .Message(1, t => t.String(1, "v1").String(2, "ConfigMap"))
            .Bytes(2, Encoding.UTF8.GetBytes("""{"metadata":{"name":"c"},"data":{"a":"b"}}"""))
            .String(4, "application/json");
        byte[] body = [.. "k8s\0"u8, .. unknown.ToArray()];

        var decoded = KubeProtobufDecoder.Decode(body);

        JsonAssert.Equal("""{"metadata":{"name":"c"},"data":{"a":"b"},"kind":"ConfigMap","apiVersion":"v1"}""", decoded);
    }

    [Fact]
    public void Unknown_envelope_fields_are_skipped()
    {
        var unknown = new ProtoWriter()
            .Varint(9, 7)
            .Message(1, t => t.String(1, "v1").String(2, "Namespace").String(3, "ignored"))
            .Message(2, raw => raw.Message(1, m => m.String(1, "x")))
            .Fixed64(10, 1);
        byte[] body = [.. "k8s\0"u8, .. unknown.ToArray()];

        JsonAssert.Equal("""{"kind":"Namespace","apiVersion":"v1","metadata":{"name":"x"}}""", KubeProtobufDecoder.Decode(body));
    }

    [Theory]
    [InlineData("application/vnd.kubernetes.protobuf", true)]
    [InlineData("application/vnd.kubernetes.protobuf; charset=utf-8", true)]
    [InlineData("Application/VND.Kubernetes.Protobuf", true)]
    [InlineData("application/vnd.kubernetes.protobuf;stream=watch", true)]
    [InlineData("application/json", false)]
    [InlineData("application/vnd.kubernetes.protobuf+json", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void The_protobuf_media_type_is_recognised_with_or_without_parameters(string? contentType, bool expected) =>
        Assert.Equal(expected, KubeProtobufDecoder.IsProtobufMediaType(contentType));

    [Fact]
    public void A_priority_level_keeps_an_explicit_zero_share_and_its_queuing()
    {
        var body = ProtoWriter.Envelope("flowcontrol.apiserver.k8s.io/v1", "PriorityLevelConfiguration", w => w
            .Message(1, m => m.String(1, "jail"))
            .Message(2, spec => spec
                .String(1, "Limited")
                .Message(2, limited => limited
                    .Varint(1, 0)
                    .Message(2, response => response.String(1, "Queue").Message(2, q => q.Varint(1, 16).Varint(2, 4).Varint(3, 10))))));

        JsonAssert.Equal("""
            {"kind":"PriorityLevelConfiguration","apiVersion":"flowcontrol.apiserver.k8s.io/v1","metadata":{"name":"jail"},
             "spec":{"type":"Limited","limited":{"nominalConcurrencyShares":0,"limitResponse":{"type":"Queue","queuing":{"queues":16,"handSize":4,"queueLengthLimit":10}}}}}
            """, KubeProtobufDecoder.Decode(body));
    }
}
