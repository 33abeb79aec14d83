using System.Text;
using Axolotl.ApiServer.Protobuf;

namespace Axolotl.ApiServer.Tests.Protobuf;

public class ValueMappingTests
{
    [Fact]
    public void Zero_values_go_omits_are_dropped_and_meaningful_zeros_are_kept()
    {
        // Go writes every non-pointer field: empty strings and zeros arrive on the wire.
        var body = ProtoWriter.Envelope("apps/v1", "Deployment", raw => raw
            .Message(1, m => m.String(1, "web").String(2, "").String(3, "").Varint(7, 0))
            .Message(2, spec => spec
                .Varint(1, 0)                                   // *int32 replicas: 0 scales to zero
                .Varint(5, 0)                                   // minReadySeconds,omitempty
                .Varint(7, 0)                                   // paused,omitempty
                .Message(3, t => t.Message(2, p => p.Message(2, c => c.String(1, "").String(2, "nginx"))))));

        var decoded = KubeProtobufDecoder.Decode(body);

        JsonAssert.Equal("""
            {"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"web"},
             "spec":{"replicas":0,"template":{"spec":{"containers":[{"name":"","image":"nginx"}]}}}}
            """, decoded);
    }

    [Fact]
    public void A_pod_spec_with_probes_volumes_env_and_resources_decodes_to_kubernetes_json()
    {
        var body = ProtoWriter.Envelope("v1", "Pod", raw => raw
            .Message(1, m => m.String(1, "p").String(3, "default"))
            .Message(2, spec => spec
                .Message(1, v => v.String(1, "cache").Message(2, src => src.Message(2, e => e.String(1, "Memory").Message(2, q => q.String(1, "64Mi")))))
                .Message(2, c => c
                    .String(1, "app").String(2, "nginx:1.25")
                    .String(3, "nginx").String(4, "-g").String(4, "daemon off;")
                    .Message(6, p => p.String(1, "http").Varint(3, 80).String(4, "TCP"))
                    .Message(7, e => e.String(1, "MODE").String(2, "prod"))
                    .Message(7, e => e.String(1, "POD_IP").Message(3, from => from.Message(1, f => f.String(1, "v1").String(2, "status.podIP"))))
                    .Message(8, r => r
                        .Message(1, l => l.String(1, "memory").Message(2, q => q.String(1, "128Mi")))
                        .Message(2, l => l.String(1, "cpu").Message(2, q => q.String(1, "250m"))))
                    .Message(9, vm => vm.String(1, "cache").String(3, "/cache"))
                    .Message(10, probe => probe
                        .Message(1, h => h.Message(2, get => get.String(1, "/healthz").Message(2, port => port.Varint(1, 1).String(3, "http"))))
                        .Varint(2, 5).Varint(4, 10))
                    .Message(11, probe => probe.Message(1, h => h.Message(3, tcp => tcp.Message(1, port => port.Varint(2, 80)))))
                    .String(14, "IfNotPresent"))
                .String(3, "Always")
                .Varint(4, 30)
                .Message(22, t => t.String(1, "node.kubernetes.io/not-ready").String(2, "Exists").String(4, "NoExecute").Varint(5, 300))));

        var decoded = KubeProtobufDecoder.Decode(body);

        JsonAssert.Equal("""
            {"kind":"Pod","apiVersion":"v1","metadata":{"name":"p","namespace":"default"},
             "spec":{
               "volumes":[{"name":"cache","emptyDir":{"medium":"Memory","sizeLimit":"64Mi"}}],
               "containers":[{"name":"app","image":"nginx:1.25","command":["nginx"],"args":["-g","daemon off;"],
                 "ports":[{"name":"http","containerPort":80,"protocol":"TCP"}],
                 "env":[{"name":"MODE","value":"prod"},{"name":"POD_IP","valueFrom":{"fieldRef":{"apiVersion":"v1","fieldPath":"status.podIP"}}}],
                 "resources":{"limits":{"memory":"128Mi"},"requests":{"cpu":"250m"}},
                 "volumeMounts":[{"name":"cache","mountPath":"/cache"}],
                 "livenessProbe":{"httpGet":{"path":"/healthz","port":"http"},"initialDelaySeconds":5,"periodSeconds":10},
                 "readinessProbe":{"tcpSocket":{"port":80}},
                 "imagePullPolicy":"IfNotPresent"}],
               "restartPolicy":"Always","terminationGracePeriodSeconds":30,
               "tolerations":[{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}]}}
            """, decoded);
    }

    [Fact]
    public void A_zero_int_or_string_is_dropped_where_omitempty_and_kept_where_required()
    {
        var body = ProtoWriter.Envelope("v1", "Service", raw => raw
            .Message(2, spec => spec.Message(1, port => port.Varint(3, 80).Message(4, _ => { }))));
        var probe = ProtoWriter.Envelope("v1", "Pod", raw => raw.Message(2, spec => spec.Message(2, c => c
            .String(1, "c").Message(10, p => p.Message(1, h => h.Message(2, get => get.Message(2, _ => { })))))));

        JsonAssert.Equal("""{"kind":"Service","apiVersion":"v1","spec":{"ports":[{"port":80}]}}""", KubeProtobufDecoder.Decode(body));
        JsonAssert.Equal("""{"kind":"Pod","apiVersion":"v1","spec":{"containers":[{"name":"c","livenessProbe":{"httpGet":{"port":0}}}]}}""",
            KubeProtobufDecoder.Decode(probe));
    }

    [Fact]
    public void Times_are_rfc3339_in_utc_with_whole_seconds_and_an_empty_time_is_absent()
    {
        var body = ProtoWriter.Envelope("v1", "Namespace", raw => raw.Message(1, m => m
            .String(1, "x")
            .Message(8, t => t.Varint(1, 1714564800).Varint(2, 999_999_999))
            .Message(9, _ => { })));

        var decoded = KubeProtobufDecoder.Decode(body);

        JsonAssert.Equal("""{"kind":"Namespace","apiVersion":"v1","metadata":{"name":"x","creationTimestamp":"2024-05-01T12:00:00Z"}}""", decoded);
    }

    [Fact]
    public void Micro_times_keep_microseconds_truncated()
    {
        var body = ProtoWriter.Envelope("v1", "Event", raw => raw
            .Message(10, t => t.Varint(1, 1714564800).Varint(2, 123_456_789))
            .Message(11, series => series.Varint(1, 2).Message(2, t => t.Varint(1, 0).Varint(2, 1_000))));

        var decoded = KubeProtobufDecoder.Decode(body);

        JsonAssert.Equal("""
            {"kind":"Event","apiVersion":"v1","eventTime":"2024-05-01T12:00:00.123456Z",
             "series":{"count":2,"lastObservedTime":"1970-01-01T00:00:00.000001Z"}}
            """, decoded);
    }

    [Theory]
    [InlineData(10, -1, "1970-01-01T00:00:09.999999Z")]
    [InlineData(10, -1_000, "1970-01-01T00:00:09.999999Z")]
    [InlineData(10, 1_999, "1970-01-01T00:00:10.000001Z")]
    [InlineData(10, 1_500_000_000, "1970-01-01T00:00:11.500000Z")]
    public void Micro_time_nanoseconds_outside_one_second_carry_into_the_seconds_as_go_normalizes(long seconds, long nanos, string expected)
    {
        var body = ProtoWriter.Envelope("v1", "Event", raw => raw.Message(10, t => t.Varint(1, seconds).Varint(2, nanos)));

        Assert.Equal(expected, KubeProtobufDecoder.Decode(body)["eventTime"]?.GetValue<string>());
    }

    [Fact]
    public void A_timestamp_outside_the_representable_years_is_malformed()
    {
        var body = ProtoWriter.Envelope("v1", "Namespace", raw => raw.Message(1, m => m.Message(8, t => t.Varint(1, long.MaxValue / 2))));

        Assert.Equal(ProtobufDecodeError.Malformed, Assert.Throws<ProtobufDecodeException>(() => KubeProtobufDecoder.Decode(body)).Error);
    }

    [Fact]
    public void Secret_data_is_base64_and_string_data_stays_text()
    {
        var body = ProtoWriter.Envelope("v1", "Secret", raw => raw
            .Message(2, e => e.String(1, "bin").Bytes(2, [0x00, 0xFF, 0x10]))
            .Message(2, e => e.String(1, "empty"))
            .Entry(4, "plain", "hunter2")
            .String(3, "Opaque")
            .Varint(5, 1));

        var decoded = KubeProtobufDecoder.Decode(body);

        JsonAssert.Equal("""
            {"kind":"Secret","apiVersion":"v1","immutable":true,"data":{"bin":"AP8Q","empty":""},
             "stringData":{"plain":"hunter2"},"type":"Opaque"}
            """, decoded);
    }

    [Fact]
    public void A_repeated_map_key_keeps_the_last_value()
    {
        var body = ProtoWriter.Envelope("v1", "ConfigMap", raw => raw.Entry(2, "k", "old").Entry(2, "k", "new"));

        JsonAssert.Equal("""{"kind":"ConfigMap","apiVersion":"v1","data":{"k":"new"}}""", KubeProtobufDecoder.Decode(body));
    }

    [Fact]
    public void Label_selectors_keep_match_expressions()
    {
        var body = ProtoWriter.Envelope("apps/v1", "ReplicaSet", raw => raw.Message(2, spec => spec.Message(2, sel => sel
            .Entry(1, "app", "web")
            .Message(2, req => req.String(1, "tier").String(2, "In").String(3, "front").String(3, "edge"))
            .Message(2, req => req.String(1, "canary").String(2, "DoesNotExist")))));

        JsonAssert.Equal("""
            {"kind":"ReplicaSet","apiVersion":"apps/v1","spec":{"selector":{"matchLabels":{"app":"web"},
             "matchExpressions":[{"key":"tier","operator":"In","values":["front","edge"]},{"key":"canary","operator":"DoesNotExist"}]}}}
            """, KubeProtobufDecoder.Decode(body));
    }

    [Fact]
    public void Owner_references_and_rolling_update_percentages_decode()
    {
        var body = ProtoWriter.Envelope("apps/v1", "Deployment", raw => raw
            .Message(1, m => m.String(1, "web").Message(13, o => o
                .String(1, "Thing").String(3, "parent").String(4, "uid-1").String(5, "example.com/v1").Varint(6, 1)))
            .Message(2, spec => spec.Message(4, strategy => strategy
                .String(1, "RollingUpdate")
                .Message(2, ru => ru.Message(1, s => s.Varint(1, 1).String(3, "25%")).Message(2, s => s.Varint(2, 0))))));

        JsonAssert.Equal("""
            {"kind":"Deployment","apiVersion":"apps/v1",
             "metadata":{"name":"web","ownerReferences":[{"apiVersion":"example.com/v1","kind":"Thing","name":"parent","uid":"uid-1","controller":true}]},
             "spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":"25%","maxSurge":0}}}}
            """, KubeProtobufDecoder.Decode(body));
    }

    [Fact]
    public void Subject_access_review_extra_values_are_string_lists()
    {
        var body = ProtoWriter.Envelope("authorization.k8s.io/v1", "SubjectAccessReview", raw => raw.Message(2, spec => spec
            .Message(2, n => n.String(1, "/healthz").String(2, "get"))
            .String(3, "alice")
            .String(4, "devs")
            .Message(5, e => e.String(1, "scopes").Message(2, v => v.String(1, "a").String(1, "b")))));

        JsonAssert.Equal("""
            {"kind":"SubjectAccessReview","apiVersion":"authorization.k8s.io/v1",
             "spec":{"nonResourceAttributes":{"path":"/healthz","verb":"get"},"user":"alice","groups":["devs"],"extra":{"scopes":["a","b"]}}}
            """, KubeProtobufDecoder.Decode(body));
    }

    [Fact]
    public void Delete_options_keep_a_zero_grace_period()
    {
        var body = ProtoWriter.Envelope("v1", "DeleteOptions", raw => raw
            .Varint(1, 0)
            .Message(2, p => p.String(1, "uid-1"))
            .String(4, "Foreground")
            .String(5, "All"));

        JsonAssert.Equal("""
            {"kind":"DeleteOptions","apiVersion":"v1","gracePeriodSeconds":0,"preconditions":{"uid":"uid-1"},
             "propagationPolicy":"Foreground","dryRun":["All"]}
            """, KubeProtobufDecoder.Decode(body));
    }

    [Fact]
    public void Raw_extensions_carry_json_or_a_nested_protobuf_object()
    {
        var asJson = ProtoWriter.Envelope("apps/v1", "ControllerRevision", raw => raw
            .Message(2, data => data.Bytes(1, Encoding.UTF8.GetBytes("""{"spec":{"template":{"x":1}}}""")))
            .Varint(3, 2));
        var nested = ProtoWriter.Envelope("v1", "ConfigMap", raw => raw.Entry(2, "a", "b"));
        var asProtobuf = ProtoWriter.Envelope("apps/v1", "ControllerRevision", raw => raw.Message(2, data => data.Bytes(1, nested)));

        JsonAssert.Equal("""{"kind":"ControllerRevision","apiVersion":"apps/v1","data":{"spec":{"template":{"x":1}}},"revision":2}""",
            KubeProtobufDecoder.Decode(asJson));
        JsonAssert.Equal("""{"kind":"ControllerRevision","apiVersion":"apps/v1","data":{"kind":"ConfigMap","apiVersion":"v1","data":{"a":"b"}}}""",
            KubeProtobufDecoder.Decode(asProtobuf));
    }

    [Fact]
    public void A_raw_extension_that_is_neither_json_nor_protobuf_is_malformed()
    {
        var body = ProtoWriter.Envelope("apps/v1", "ControllerRevision", raw => raw.Message(2, data => data.Bytes(1, [0x01, 0x02])));

        Assert.Equal(ProtobufDecodeError.Malformed, Assert.Throws<ProtobufDecodeException>(() => KubeProtobufDecoder.Decode(body)).Error);
    }

    [Fact]
    public void Managed_fields_keep_their_fields_v1_json()
    {
        var body = ProtoWriter.Envelope("v1", "ConfigMap", raw => raw.Message(1, m => m.Message(17, entry => entry
            .String(1, "kubectl").String(2, "Update").String(3, "v1")
            .Message(4, t => t.Varint(1, 1714564800))
            .String(6, "FieldsV1")
            .Message(7, f => f.Bytes(1, Encoding.UTF8.GetBytes("""{"f:data":{".":{}}}"""))))));

        JsonAssert.Equal("""
            {"kind":"ConfigMap","apiVersion":"v1","metadata":{"managedFields":[{"manager":"kubectl","operation":"Update","apiVersion":"v1",
             "time":"2024-05-01T12:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:data":{".":{}}}}]}}
            """, KubeProtobufDecoder.Decode(body));
    }
}
