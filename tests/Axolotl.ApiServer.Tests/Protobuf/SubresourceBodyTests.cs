using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Protobuf;

namespace Axolotl.ApiServer.Tests.Protobuf;

/// <summary>
/// The bodies typed clients send as protobuf besides whole objects: a DELETE's DeleteOptions (Helm's release
/// storage, client-go's Delete), and the eviction, scale, binding and status subresources.
/// </summary>
public class SubresourceBodyTests
{
    [Fact]
    public void Delete_options_decode_every_field_with_its_upstream_number()
    {
        var body = ProtoWriter.Envelope("v1", "DeleteOptions", raw => raw
            .Varint(1, 30)
            .Message(2, p => p.String(1, "uid-1").String(2, "42"))
            .Varint(3, 1)
            .String(4, "Orphan")
            .String(5, "All")
            .String(5, "Other")
            .Varint(6, 1));

        JsonAssert.Equal("""
            {"kind":"DeleteOptions","apiVersion":"v1","gracePeriodSeconds":30,"preconditions":{"uid":"uid-1","resourceVersion":"42"},
             "orphanDependents":true,"propagationPolicy":"Orphan","dryRun":["All","Other"],"ignoreStoreReadErrorWithClusterBreakingPotential":true}
            """, KubeProtobufDecoder.Decode(body));
    }

    [Fact]
    public void Delete_options_without_fields_decode_to_type_meta_alone()
    {
        // What client-go sends for metav1.DeleteOptions{}: nil pointers are not on the wire at all.
        JsonAssert.Equal("""{"kind":"DeleteOptions","apiVersion":"v1"}""",
            KubeProtobufDecoder.Decode(ProtoWriter.Envelope("v1", "DeleteOptions", _ => { })));
    }

    [Theory]
    [InlineData("coordination.k8s.io/v1")]
    [InlineData("apiextensions.k8s.io/v1")]
    [InlineData("example.com/v1alpha1")]
    public void Delete_options_decode_in_any_group_version_as_upstream_registers_them_into_each(string apiVersion)
    {
        var body = ProtoWriter.Envelope(apiVersion, "DeleteOptions", raw => raw.String(4, "Foreground"));

        JsonAssert.Equal($$"""{"kind":"DeleteOptions","apiVersion":"{{apiVersion}}","propagationPolicy":"Foreground"}""", KubeProtobufDecoder.Decode(body));
    }

    [Theory]
    [InlineData("policy/v1")]
    [InlineData("policy/v1beta1")]
    public void An_eviction_decodes_with_its_delete_options(string apiVersion)
    {
        var body = ProtoWriter.Envelope(apiVersion, "Eviction", raw => raw
            .Message(1, m => m.String(1, "web-0").String(3, "shop"))
            .Message(2, d => d.Varint(1, 0).Message(2, p => p.String(1, "u")).String(5, "All")));

        JsonAssert.Equal($$$"""
            {"kind":"Eviction","apiVersion":"{{{apiVersion}}}","metadata":{"name":"web-0","namespace":"shop"},
             "deleteOptions":{"gracePeriodSeconds":0,"preconditions":{"uid":"u"},"dryRun":["All"]}}
            """, KubeProtobufDecoder.Decode(body));
    }

    [Fact]
    public void A_scale_decodes_and_keeps_a_request_for_zero_replicas()
    {
        var body = ProtoWriter.Envelope("autoscaling/v1", "Scale", raw => raw
            .Message(1, m => m.String(1, "web").String(3, "shop").String(6, "7"))
            .Message(2, s => s.Varint(1, 0))
            .Message(3, s => s.Varint(1, 3).String(2, "app=web")));

        JsonAssert.Equal("""
            {"kind":"Scale","apiVersion":"autoscaling/v1","metadata":{"name":"web","namespace":"shop","resourceVersion":"7"},
             "spec":{"replicas":0},"status":{"replicas":3,"selector":"app=web"}}
            """, KubeProtobufDecoder.Decode(body));
    }

    [Fact]
    public void A_binding_decodes_its_target()
    {
        var body = ProtoWriter.Envelope("v1", "Binding", raw => raw
            .Message(1, m => m.String(1, "p").String(3, "shop"))
            .Message(2, t => t.String(1, "Node").String(3, "node-1").String(5, "v1")));

        JsonAssert.Equal("""
            {"kind":"Binding","apiVersion":"v1","metadata":{"name":"p","namespace":"shop"},
             "target":{"kind":"Node","name":"node-1","apiVersion":"v1"}}
            """, KubeProtobufDecoder.Decode(body));
    }

    [Fact]
    public void A_status_update_decodes_the_whole_object_with_its_status()
    {
        var body = ProtoWriter.Envelope("apps/v1", "Deployment", raw => raw
            .Message(1, m => m.String(1, "web").String(6, "9"))
            .Message(3, s => s.Varint(1, 4).Varint(2, 2).Varint(7, 2)));

        JsonAssert.Equal("""
            {"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"web","resourceVersion":"9"},
             "status":{"observedGeneration":4,"replicas":2,"readyReplicas":2}}
            """, KubeProtobufDecoder.Decode(body));
    }

    public static TheoryData<string, string> EveryServedKind()
    {
        var pairs = new SortedSet<(string, string)>();
        foreach (var type in KnownResources.All)
        {
            pairs.Add((type.ApiVersion, type.Kind));
            foreach (var sub in type.Subresources)
            {
                pairs.Add((sub.Group.Length == 0 ? sub.Version : $"{sub.Group}/{sub.Version}", sub.Kind));
            }
        }
        var data = new TheoryData<string, string>();
        foreach (var (apiVersion, kind) in pairs)
        {
            data.Add(apiVersion, kind);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryServedKind))]
    public void Every_served_kind_either_decodes_or_is_refused_as_unsupported_by_name(string apiVersion, string kind)
    {
        var body = ProtoWriter.Envelope(apiVersion, kind, raw => raw.Message(1, m => m.String(1, "x")));

        if (KubeProtobufDecoder.CanDecode(apiVersion, kind))
        {
            Assert.Equal(kind, (string?)KubeProtobufDecoder.Decode(body)["kind"]);
            return;
        }
        var error = Assert.Throws<ProtobufDecodeException>(() => KubeProtobufDecoder.Decode(body));
        Assert.Equal(ProtobufDecodeError.UnsupportedKind, error.Error);
        Assert.Contains($"\"{kind}\" in \"{apiVersion}\"", error.Message, StringComparison.Ordinal);
    }
}
