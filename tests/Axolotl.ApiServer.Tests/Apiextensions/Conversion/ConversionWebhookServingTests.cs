using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Axolotl.ApiServer.Tests.Rest;
using Axolotl.Testing;
using Microsoft.AspNetCore.Http;

namespace Axolotl.ApiServer.Tests.Apiextensions.Conversion;

/// <summary>A CRD with conversion strategy Webhook through the real HTTP API, against an HTTPS webhook on loopback.</summary>
[Trait("Category", "Integration")]
public sealed class ConversionWebhookServingTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string Crds = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

    private static string Definition(string group, TestWebhookServer server) => """
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"endpoints.GROUP"},
         "spec":{"group":"GROUP","scope":"Namespaced","names":{"plural":"endpoints","kind":"Endpoint"},
          "conversion":{"strategy":"Webhook","webhook":{"conversionReviewVersions":["v1"],
            "clientConfig":{"url":"URL","caBundle":"CA"}}},
          "versions":[
            {"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":{"type":"object",
              "properties":{"host":{"type":"string"},"port":{"type":"integer"}}}}}}},
            {"name":"v2","served":true,"storage":false,"schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":{"type":"object",
              "properties":{"hostPort":{"type":"string"}}}}}}}]}}
        """.Replace("GROUP", group, StringComparison.Ordinal).Replace("URL", server.Url("/convert"), StringComparison.Ordinal).Replace("CA", server.CaBundle, StringComparison.Ordinal);

    private static string Endpoint(string group, string version, string name, string spec) =>
        $$"""{"apiVersion":"{{group}}/{{version}}","kind":"Endpoint","metadata":{"name":"{{name}}"},"spec":""" + spec + "}";

    private async Task EstablishAsync(string group, TestWebhookServer server)
    {
        var (code, body) = await api.PostAsync(Crds, Definition(group, server));
        Assert.True(code == 201, body.ToJsonString());
        await Eventually.UntilAsync(() => api.GetAsync($"/apis/{group}/v2"), r => r.Code == 200, "v2 is served", r => r.Body.ToJsonString());
    }

    private static Task Redirect(HttpContext ctx)
    {
        ctx.Response.StatusCode = 302;
        ctx.Response.Headers.Location = "https://127.0.0.1:1/elsewhere";
        return Task.CompletedTask;
    }

    private static int DeadPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task A_caBundle_that_is_not_PEM_keeps_a_new_CRD_from_being_Established_and_an_Established_CRD_may_not_take_one()
    {
        await using var server = await TestWebhookServer.StartAsync((ctx, review) => TestConversionWebhook.Convert(ctx, review, TestConversionWebhook.HostPort));
        const string group = "badca.example.com";
        var crd = $"{Crds}/endpoints.{group}";
        var garbage = Convert.ToBase64String("not a certificate"u8.ToArray());
        var (code, body) = await api.PostAsync(Crds, Definition(group, server).Replace(server.CaBundle, garbage, StringComparison.Ordinal));
        Assert.True(code == 201, body.ToJsonString());
        static string CaBundlePatch(string caBundle) => "{\"spec\":{\"conversion\":{\"webhook\":{\"clientConfig\":{\"caBundle\":\"" + caBundle + "\"}}}}}";
        static JsonNode? Established(JsonObject crd) => (crd["status"]?["conditions"] as JsonArray)?.FirstOrDefault(c => (string?)c!["type"] == "Established");
        var condition = Established((await Eventually.UntilAsync(() => api.GetAsync(crd), r => Established(r.Body) is not null, "the Established condition",
            r => r.Body.ToJsonString())).Body)!;
        Assert.Equal(("False", "InvalidCABundle", "The conversion webhook CABundle is invalid"), ((string?)condition["status"], (string?)condition["reason"], (string?)condition["message"]));
        Assert.Equal(404, (await api.GetAsync($"/apis/{group}/v1")).Code);

        // A usable bundle: Established and served. From then on a bad one is refused.
        var (fixedCode, fixedBody) = await api.PatchAsync(crd, CaBundlePatch(server.CaBundle), "application/merge-patch+json");
        Assert.True(fixedCode == 200, fixedBody.ToJsonString());
        await Eventually.UntilAsync(() => api.GetAsync($"/apis/{group}/v2"), r => r.Code == 200, "v2 is served", r => r.Body.ToJsonString());
        var (refusedCode, refused) = await api.PatchAsync(crd, CaBundlePatch(garbage), "application/merge-patch+json");
        Assert.Equal(422, refusedCode);
        Assert.StartsWith($"CustomResourceDefinition.apiextensions.k8s.io \"endpoints.{group}\" is invalid: spec.conversion.webhookClientConfig.caBundle: Invalid value: []byte{{0x6e, 0x6f, 0x74,",
            (string?)refused["message"]);
        Assert.EndsWith(": unable to load root certificates: unable to parse bytes as PEM block", (string?)refused["message"]);
        await api.DeleteAsync(crd);
    }

    [Fact]
    public async Task Objects_cross_versions_through_the_webhook_on_reads_writes_lists_and_watches()
    {
        await using var server = await TestWebhookServer.StartAsync((ctx, review) => TestConversionWebhook.Convert(ctx, review, TestConversionWebhook.HostPort));
        const string group = "conv.example.com";
        await EstablishAsync(group, server);
        var ns = await api.CreateNamespaceAsync("conv-1");
        var v1 = $"/apis/{group}/v1/namespaces/{ns}/endpoints";
        var v2 = $"/apis/{group}/v2/namespaces/{ns}/endpoints";

        var (created, body) = await api.PostAsync(v1, Endpoint(group, "v1", "a", """{"host":"db","port":5432}"""));
        Assert.True(created == 201, body.ToJsonString());
        Assert.Empty(server.Received);

        var read = (await api.GetAsync($"{v2}/a")).Body;
        Assert.Equal($"{group}/v2", (string?)read["apiVersion"]);
        Assert.Equal("db:5432", (string?)read["spec"]!["hostPort"]);
        Assert.Null(read["spec"]!["host"]);
        var (path, review) = server.Received.Last();
        Assert.Equal("/convert?timeout=30s", path);
        Assert.Equal("apiextensions.k8s.io/v1", (string?)review["apiVersion"]);
        Assert.Equal($"{group}/v2", (string?)review["request"]!["desiredAPIVersion"]);

        // Written at v2, stored at v1 (converted before it is stored), and answered at v2.
        var (createdV2, answer) = await api.PostAsync(v2, Endpoint(group, "v2", "b", """{"hostPort":"cache:6379"}"""));
        Assert.True(createdV2 == 201, answer.ToJsonString());
        Assert.Equal("cache:6379", (string?)answer["spec"]!["hostPort"]);
        var stored = JsonNode.Parse((await api.Cluster.Store.GetAsync($"/{group}/endpoints/{ns}/b", CancellationToken.None))!.Value.Span)!;
        Assert.Equal($"{group}/v1", (string?)stored["apiVersion"]);
        Assert.Equal("cache", (string?)stored["spec"]!["host"]);
        Assert.Equal(6379, (int)stored["spec"]!["port"]!);

        // A patch at v2 is applied to the v2 view and stored at v1.
        var (patched, patchBody) = await api.PatchAsync($"{v2}/b", """{"spec":{"hostPort":"cache:6380"}}""", "application/merge-patch+json");
        Assert.True(patched == 200, patchBody.ToJsonString());
        Assert.Equal(6380, (int)(await api.GetAsync($"{v1}/b")).Body["spec"]!["port"]!);

        // A list is one ConversionReview with every object.
        var before = server.Received.Count;
        var list = (await api.GetAsync(v2)).Body;
        Assert.Equal(["db:5432", "cache:6380"], list["items"]!.AsArray().Select(i => (string?)i!["spec"]!["hostPort"]));
        Assert.Equal(before + 1, server.Received.Count);
        Assert.Equal(2, server.Received.Last().Review["request"]!["objects"]!.AsArray().Count);

        var watch = await api.Http.GetStringAsync(new Uri($"{v2}?watch=true&resourceVersion=0&timeoutSeconds=1", UriKind.Relative));
        var events = watch.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(["db:5432", "cache:6380"], events.Select(e => (string?)e["object"]!["spec"]!["hostPort"]));
    }

    [Fact]
    public async Task A_conversion_webhook_service_defaults_to_port_443_and_an_unknown_review_version_is_refused()
    {
        const string definition = """
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"things.svc.example.com"},
             "spec":{"group":"svc.example.com","scope":"Namespaced","names":{"plural":"things","kind":"Thing"},
              "conversion":{"strategy":"Webhook","webhook":{"conversionReviewVersions":["VERSIONS"],
                "clientConfig":{"service":{"namespace":"default","name":"converter","path":"/convert"}}}},
              "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object"}}}]}}
            """;
        var (refused, status) = await api.PostAsync(Crds, definition.Replace("VERSIONS", "v2", StringComparison.Ordinal));
        Assert.Equal(422, refused);
        Assert.Equal("CustomResourceDefinition.apiextensions.k8s.io \"things.svc.example.com\" is invalid: spec.conversion.conversionReviewVersions: Invalid value: []string{\"v2\"}: must include at least one of v1, v1beta1",
            (string?)status["message"]);

        var (created, crd) = await api.PostAsync(Crds, definition.Replace("VERSIONS", "v1", StringComparison.Ordinal));
        Assert.True(created == 201, crd.ToJsonString());
        Assert.Equal(443, (int)crd["spec"]!["conversion"]!["webhook"]!["clientConfig"]!["service"]!["port"]!);
    }

    [Fact]
    public async Task A_webhook_that_fails_fails_reads_at_other_versions_with_upstreams_message_while_the_storage_version_reads()
    {
        var mode = "uid";
        await using var server = await TestWebhookServer.StartAsync((ctx, review) => mode switch
        {
            "uid" => TestConversionWebhook.Answer(ctx, review, new JsonObject { ["uid"] = "wrong", ["result"] = new JsonObject { ["status"] = "Success" } }),
            "garbage" => ctx.Response.WriteAsync("not json", ctx.RequestAborted),
            "redirect" => Redirect(ctx),
            "rename" => TestConversionWebhook.Convert(ctx, review, (o, v) =>
            {
                var c = TestConversionWebhook.HostPort(o, v);
                c["metadata"]!["name"] = "renamed";
                return c;
            }),
            _ => TestConversionWebhook.Convert(ctx, review, TestConversionWebhook.HostPort),
        });
        const string group = "convfail.example.com";
        await EstablishAsync(group, server);
        var ns = await api.CreateNamespaceAsync("conv-2");
        var v1 = $"/apis/{group}/v1/namespaces/{ns}/endpoints";
        var v2 = $"/apis/{group}/v2/namespaces/{ns}/endpoints";
        Assert.Equal(201, (await api.PostAsync(v1, Endpoint(group, "v1", "a", """{"host":"db","port":1}"""))).Code);

        var (code, status) = await api.GetAsync($"{v2}/a");
        Assert.Equal(500, code);
        Assert.Null(status["reason"]);
        Assert.StartsWith($"conversion webhook for {group}/v1, Kind=Endpoint failed: expected response.uid=", (string?)status["message"], StringComparison.Ordinal);
        Assert.Equal(200, (await api.GetAsync($"{v1}/a")).Code);
        // A watch at v2 ends with the error as its one event.
        var watch = await api.Http.GetStringAsync(new Uri($"{v2}?watch=true&resourceVersion=0&timeoutSeconds=5", UriKind.Relative));
        var error = JsonNode.Parse(watch.Split('\n', StringSplitOptions.RemoveEmptyEntries).Single())!;
        Assert.Equal("ERROR", (string?)error["type"]);
        Assert.StartsWith($"conversion webhook for {group}/v1, Kind=EndpointList failed: expected response.uid=", (string?)error["object"]!["message"], StringComparison.Ordinal);

        mode = "garbage";
        Assert.Equal($"conversion webhook for {group}/v1, Kind=Endpoint failed: couldn't get version/kind; json parse error: invalid character 'n' looking for beginning of value",
            (string?)(await api.GetAsync($"{v2}/a")).Body["message"]);
        mode = "redirect";
        Assert.Equal($"conversion webhook for {group}/v1, Kind=Endpoint failed: the server responded with the status code 302 but did not return more information",
            (string?)(await api.GetAsync($"{v2}/a")).Body["message"]);

        mode = "rename";
        var (renamed, renamedStatus) = await api.GetAsync($"{v2}/a");
        Assert.Equal(500, renamed);
        Assert.Equal($"conversion webhook for {group}/v1, Kind=Endpoint returned invalid object: must have the same name: a != renamed", (string?)renamedStatus["message"]);
        var (writeCode, writeStatus) = await api.PostAsync(v2, Endpoint(group, "v2", "b", """{"hostPort":"x:1"}"""));
        Assert.Equal(500, writeCode);
        Assert.Equal($"conversion webhook for {group}/v2, Kind=Endpoint returned invalid object: must have the same name: b != renamed", (string?)writeStatus["message"]);
        Assert.Equal(404, (await api.GetAsync($"{v1}/b")).Code);

        // A certificate that does not chain to the caBundle.
        using var otherCa = new TestPki("not-the-webhooks-ca");
        var crd = (await api.GetAsync($"{Crds}/endpoints.{group}")).Body;
        crd["spec"]!["conversion"]!["webhook"]!["clientConfig"]!["caBundle"] = Convert.ToBase64String(Encoding.ASCII.GetBytes(otherCa.Ca.ExportCertificatePem()));
        Assert.Equal(200, (await api.PutAsync($"{Crds}/endpoints.{group}", crd.ToJsonString())).Code);
        var untrusted = $"conversion webhook for {group}/v1, Kind=Endpoint failed: Post \"{server.Url("/convert")}?timeout=30s\": tls: failed to verify certificate: x509: certificate signed by unknown authority";
        await Eventually.UntilAsync(() => api.GetAsync($"{v2}/a"), r => (string?)r.Body["message"] == untrusted, "the new caBundle is used", r => r.Body.ToJsonString());

        // A webhook nobody answers: the dial error in Go's words, with the url and upstream's 30s timeout parameter.
        var port = DeadPort();
        crd = (await api.GetAsync($"{Crds}/endpoints.{group}")).Body;
        crd["spec"]!["conversion"]!["webhook"]!["clientConfig"]!["url"] = $"https://127.0.0.1:{port}/convert";
        Assert.Equal(200, (await api.PutAsync($"{Crds}/endpoints.{group}", crd.ToJsonString())).Code);
        var expected = $"conversion webhook for {group}/v1, Kind=Endpoint failed: Post \"https://127.0.0.1:{port}/convert?timeout=30s\": dial tcp 127.0.0.1:{port}: connect: connection refused";
        await Eventually.UntilAsync(() => api.GetAsync($"{v2}/a"), r => (string?)r.Body["message"] == expected, "the new url is used", r => r.Body.ToJsonString());
        var (listCode, listStatus) = await api.GetAsync(v2);
        Assert.Equal(500, listCode);
        Assert.Equal(expected.Replace("Kind=Endpoint", "Kind=EndpointList", StringComparison.Ordinal), (string?)listStatus["message"]);
        Assert.Equal(200, (await api.GetAsync(v1)).Code);
    }
}
