using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Axolotl.ApiServer.Tests.Protobuf;

namespace Axolotl.ApiServer.Tests.Rest;

/// <summary>
/// Protobuf request bodies over real HTTP, for every verb that takes a body: DELETE's DeleteOptions (single and
/// collection), and the eviction, scale, binding and status subresources. Hostile bytes are a 400 Status, an
/// undecodable kind a 415 Status, never a 500.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ProtobufBodyTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string Protobuf = "application/vnd.kubernetes.protobuf";

    [Fact]
    public async Task A_delete_with_empty_protobuf_delete_options_deletes_the_object()
    {
        // Helm's uninstall deletes its release Secrets this way (client-go's typed Delete with DeleteOptions{}).
        var ns = await api.CreateNamespaceAsync("pb-del-1");
        await api.PostAsync($"/api/v1/namespaces/{ns}/secrets", """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"sh.helm.release.v1.r.v1"}}""");

        var (code, body) = await SendAsync(HttpMethod.Delete, $"/api/v1/namespaces/{ns}/secrets/sh.helm.release.v1.r.v1",
            ProtoWriter.Envelope("v1", "DeleteOptions", _ => { }));

        Assert.True(code == 200, body.ToJsonString());
        Assert.Equal(404, (await api.GetAsync($"/api/v1/namespaces/{ns}/secrets/sh.helm.release.v1.r.v1")).Code);
    }

    [Fact]
    public async Task Protobuf_delete_options_carry_propagation_dry_run_and_preconditions()
    {
        var ns = await api.CreateNamespaceAsync("pb-del-2");
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiFixture.ConfigMap("fg", "\"finalizers\":[\"example.com/hold\"]"));
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiFixture.ConfigMap("dry"));
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiFixture.ConfigMap("pre"));

        var (_, fg) = await SendAsync(HttpMethod.Delete, $"/api/v1/namespaces/{ns}/configmaps/fg",
            ProtoWriter.Envelope("v1", "DeleteOptions", raw => raw.String(4, "Foreground")));
        var (dryCode, _) = await SendAsync(HttpMethod.Delete, $"/api/v1/namespaces/{ns}/configmaps/dry",
            ProtoWriter.Envelope("v1", "DeleteOptions", raw => raw.String(5, "All")));
        var (preCode, pre) = await SendAsync(HttpMethod.Delete, $"/api/v1/namespaces/{ns}/configmaps/pre",
            ProtoWriter.Envelope("v1", "DeleteOptions", raw => raw.Message(2, p => p.String(1, "not-the-uid"))));

        Assert.Contains("foregroundDeletion", fg["metadata"]!["finalizers"]!.AsArray().Select(f => (string?)f));
        Assert.Equal(200, dryCode);
        Assert.Equal(200, (await api.GetAsync($"/api/v1/namespaces/{ns}/configmaps/dry")).Code);
        Assert.True(preCode == 409, pre.ToJsonString());
        Assert.Equal(200, (await api.GetAsync($"/api/v1/namespaces/{ns}/configmaps/pre")).Code);
    }

    [Fact]
    public async Task A_delete_collection_takes_protobuf_delete_options()
    {
        var ns = await api.CreateNamespaceAsync("pb-del-3");
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiFixture.ConfigMap("a", "\"labels\":{\"x\":\"1\"}"));
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiFixture.ConfigMap("b"));

        var (code, body) = await SendAsync(HttpMethod.Delete, $"/api/v1/namespaces/{ns}/configmaps?labelSelector=x%3D1",
            ProtoWriter.Envelope("v1", "DeleteOptions", raw => raw.Varint(1, 0)));

        Assert.True(code == 200, body.ToJsonString());
        Assert.Equal(404, (await api.GetAsync($"/api/v1/namespaces/{ns}/configmaps/a")).Code);
        Assert.Equal(200, (await api.GetAsync($"/api/v1/namespaces/{ns}/configmaps/b")).Code);
    }

    [Fact]
    public async Task A_delete_body_of_another_kind_is_400_and_an_unknown_media_type_415()
    {
        var ns = await api.CreateNamespaceAsync("pb-del-4");
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiFixture.ConfigMap("k"));

        var (wrongKind, wrongBody) = await SendAsync(HttpMethod.Delete, $"/api/v1/namespaces/{ns}/configmaps/k",
            ProtoWriter.Envelope("v1", "ConfigMap", raw => raw.Message(1, m => m.String(1, "k"))));
        var (text, textBody) = await SendAsync(HttpMethod.Delete, $"/api/v1/namespaces/{ns}/configmaps/k", "x"u8.ToArray(), "text/plain");

        Assert.Equal(400, wrongKind);
        Assert.Contains("expected kind (DeleteOptions)", (string?)wrongBody["message"], StringComparison.Ordinal);
        Assert.Equal(415, text);
        Assert.Equal("Status", (string?)textBody["kind"]);
        Assert.Equal(200, (await api.GetAsync($"/api/v1/namespaces/{ns}/configmaps/k")).Code);
    }

    [Fact]
    public async Task A_yaml_delete_body_is_read_as_delete_options()
    {
        var ns = await api.CreateNamespaceAsync("pb-del-5");
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiFixture.ConfigMap("y"));

        var (code, _) = await SendAsync(HttpMethod.Delete, $"/api/v1/namespaces/{ns}/configmaps/y",
            "kind: DeleteOptions\napiVersion: v1\ndryRun: [All]\n"u8.ToArray(), "application/yaml");

        Assert.Equal(200, code);
        Assert.Equal(200, (await api.GetAsync($"/api/v1/namespaces/{ns}/configmaps/y")).Code);
    }

    [Fact]
    public async Task A_protobuf_eviction_honours_its_delete_options()
    {
        var ns = await api.CreateNamespaceAsync("pb-evict");
        await api.PostAsync($"/api/v1/namespaces/{ns}/pods", """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"e"},"spec":{"containers":[{"name":"c","image":"busybox"}]}}""");

        var (dryCode, dry) = await SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/pods/e/eviction", ProtoWriter.Envelope("policy/v1", "Eviction", raw => raw
            .Message(1, m => m.String(1, "e").String(3, ns))
            .Message(2, d => d.String(5, "All"))));
        var (staleCode, _) = await SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/pods/e/eviction", ProtoWriter.Envelope("policy/v1", "Eviction", raw => raw
            .Message(1, m => m.String(1, "e").String(3, ns))
            .Message(2, d => d.Message(2, p => p.String(2, "1")))));
        Assert.True(dryCode == 201, dry.ToJsonString());
        Assert.Equal(409, staleCode);
        Assert.Equal(200, (await api.GetAsync($"/api/v1/namespaces/{ns}/pods/e")).Code);

        var (code, body) = await SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/pods/e/eviction", ProtoWriter.Envelope("policy/v1", "Eviction", raw => raw
            .Message(1, m => m.String(1, "e").String(3, ns))
            .Message(2, d => d.Varint(1, 0))));
        Assert.True(code == 201, body.ToJsonString());
        Assert.Equal(404, (await api.GetAsync($"/api/v1/namespaces/{ns}/pods/e")).Code);
    }

    [Fact]
    public async Task A_protobuf_scale_sets_the_replicas_even_to_zero()
    {
        var ns = await api.CreateNamespaceAsync("pb-scale");
        var (created, deployment) = await api.PostAsync($"/apis/apps/v1/namespaces/{ns}/deployments", """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
             "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"busybox"}]}}}}
            """);
        Assert.True(created == 201, deployment.ToJsonString());

        var (code, scale) = await SendAsync(HttpMethod.Put, $"/apis/apps/v1/namespaces/{ns}/deployments/web/scale",
            ProtoWriter.Envelope("autoscaling/v1", "Scale", raw => raw.Message(1, m => m.String(1, "web").String(3, ns)).Message(2, s => s.Varint(1, 0))));
        var (wrongKind, _) = await SendAsync(HttpMethod.Put, $"/apis/apps/v1/namespaces/{ns}/deployments/web/scale",
            ProtoWriter.Envelope("apps/v1", "Deployment", raw => raw.Message(1, m => m.String(1, "web"))));

        Assert.True(code == 200, scale.ToJsonString());
        Assert.Equal(0, (int)scale["spec"]!["replicas"]!);
        Assert.Equal(0, (int)(await api.GetAsync($"/apis/apps/v1/namespaces/{ns}/deployments/web")).Body["spec"]!["replicas"]!);
        Assert.Equal(400, wrongKind);
    }

    [Fact]
    public async Task A_protobuf_binding_assigns_the_pod()
    {
        var ns = await api.CreateNamespaceAsync("pb-bind");
        await api.PostAsync($"/api/v1/namespaces/{ns}/pods", """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"schedulerName":"nobody","containers":[{"name":"c","image":"busybox"}]}}""");

        var (code, body) = await SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/pods/p/binding", ProtoWriter.Envelope("v1", "Binding", raw => raw
            .Message(1, m => m.String(1, "p").String(3, ns))
            .Message(2, t => t.String(1, "Node").String(3, "node-pb"))));

        Assert.True(code == 201, body.ToJsonString());
        Assert.Equal("node-pb", (string?)(await api.GetAsync($"/api/v1/namespaces/{ns}/pods/p")).Body["spec"]!["nodeName"]);
    }

    [Fact]
    public async Task A_protobuf_status_update_writes_the_status()
    {
        var ns = await api.CreateNamespaceAsync("pb-status");
        await api.PostAsync($"/api/v1/namespaces/{ns}/resourcequotas",
            """{"apiVersion":"v1","kind":"ResourceQuota","metadata":{"name":"q"},"spec":{"hard":{"pods":"10"}}}""");

        // The quota controller writes this status too: a 409 from its write in between is retried on the newer version.
        int code;
        JsonObject body;
        var attempts = 0;
        do
        {
            var resourceVersion = (string)(await api.GetAsync($"/api/v1/namespaces/{ns}/resourcequotas/q")).Body["metadata"]!["resourceVersion"]!;
            // ResourceQuota: metadata=1, status=3 {hard=1, used=2}; a Quantity is a message whose string is field 1.
            (code, body) = await SendAsync(HttpMethod.Put, $"/api/v1/namespaces/{ns}/resourcequotas/q/status", ProtoWriter.Envelope("v1", "ResourceQuota", raw => raw
                .Message(1, m => m.String(1, "q").String(3, ns).String(6, resourceVersion))
                .Message(2, s => s.Message(1, e => e.String(1, "pods").Message(2, q => q.String(1, "10"))))
                .Message(3, s => s
                    .Message(1, e => e.String(1, "pods").Message(2, q => q.String(1, "10")))
                    .Message(2, e => e.String(1, "pods").Message(2, q => q.String(1, "3"))))));
        }
        while (code == 409 && ++attempts < 10);

        Assert.True(code == 200, body.ToJsonString());
        Assert.Equal("3", (string?)body["status"]!["used"]!["pods"]);
    }

    public static TheoryData<string, byte[]> HostileBodies() => new()
    {
        { "truncated varint", [.. "k8s\0"u8, 0x0A, 0x80] },
        { "length past the end", [.. "k8s\0"u8, 0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x01] },
        { "huge length in a field", ProtoWriter.Envelope("v1", "DeleteOptions", raw => raw.Tag(2, 2).RawVarint(ulong.MaxValue >> 1)) },
        { "deeply nested groups", ProtoWriter.Envelope("v1", "DeleteOptions", raw => { for (var i = 0; i < 5000; i++) { raw.Tag(90, 3); } }) },
        { "no envelope", "{\"kind\":\"DeleteOptions\"}"u8.ToArray() },
    };

    [Theory]
    [MemberData(nameof(HostileBodies))]
    public async Task A_malformed_protobuf_body_is_a_400_status_for_delete_and_create(string what, byte[] hostile)
    {
        var ns = await api.CreateNamespaceAsync("pb-hostile-" + what.Replace(' ', '-'));
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiFixture.ConfigMap("h"));

        var (deleteCode, deleteBody) = await SendAsync(HttpMethod.Delete, $"/api/v1/namespaces/{ns}/configmaps/h", hostile);
        var (createCode, createBody) = await SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", hostile);

        Assert.True(deleteCode == 400, $"{what}: {deleteBody.ToJsonString()}");
        Assert.Equal("Status", (string?)deleteBody["kind"]);
        Assert.True(createCode == 400, $"{what}: {createBody.ToJsonString()}");
        Assert.Equal(200, (await api.GetAsync($"/api/v1/namespaces/{ns}/configmaps/h")).Code);
    }

    [Fact]
    public async Task A_kind_without_protobuf_decoding_is_a_415_status_naming_it()
    {
        var ns = await api.CreateNamespaceAsync("pb-415");

        var (code, body) = await SendAsync(HttpMethod.Post, $"/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices",
            ProtoWriter.Envelope("discovery.k8s.io/v1", "EndpointSlice", raw => raw.Message(1, m => m.String(1, "e"))));

        Assert.Equal(415, code);
        Assert.Equal("Status", (string?)body["kind"]);
        Assert.Contains("\"EndpointSlice\" in \"discovery.k8s.io/v1\"", (string?)body["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_protobuf_events_v1_event_is_recorded()
    {
        var ns = await api.CreateNamespaceAsync("pb-event");
        var evt = ProtoWriter.Envelope("events.k8s.io/v1", "Event", raw => raw
            .Message(1, m => m.String(1, "ev1"))
            .Message(2, t => t.Varint(1, 1714564800).Varint(2, 7_000))
            .String(4, "example.com/controller").String(5, "controller-1").String(6, "Reconcile").String(7, "Synced")
            .Message(8, r => r.String(1, "Pod").String(2, ns).String(3, "p").String(5, "v1"))
            .String(10, "all good").String(11, "Normal"));

        var (code, body) = await SendAsync(HttpMethod.Post, $"/apis/events.k8s.io/v1/namespaces/{ns}/events", evt);

        Assert.True(code == 201, body.ToJsonString());
        Assert.Equal("2024-05-01T12:00:00.000007Z", (string?)body["eventTime"]);
        Assert.Equal("Synced", (string?)body["reason"]);
        Assert.Equal("all good", (string?)body["note"]);
        Assert.Equal("p", (string?)body["regarding"]!["name"]);
    }

    [Fact]
    public async Task A_protobuf_lease_renewal_is_stored_with_its_micro_times()
    {
        var ns = await api.CreateNamespaceAsync("pb-lease");
        var lease = ProtoWriter.Envelope("coordination.k8s.io/v1", "Lease", raw => raw
            .Message(1, m => m.String(1, "leader"))
            .Message(2, s => s.String(1, "me").Varint(2, 15).Message(4, t => t.Varint(1, 1714564800).Varint(2, 5_000)).Varint(5, 0)));

        var (code, body) = await SendAsync(HttpMethod.Post, $"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases", lease);

        Assert.True(code == 201, body.ToJsonString());
        JsonAssert.Equal("""{"holderIdentity":"me","leaseDurationSeconds":15,"renewTime":"2024-05-01T12:00:00.000005Z","leaseTransitions":0}""", body["spec"]!.AsObject());
    }

    private async Task<(int Code, JsonObject Body)> SendAsync(HttpMethod method, string path, byte[] body, string contentType = Protobuf)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var response = await api.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var json = text.Length > 0 && text[0] == '{' ? JsonNode.Parse(text)!.AsObject() : new JsonObject { ["raw"] = text };
        return ((int)response.StatusCode, json);
    }
}
