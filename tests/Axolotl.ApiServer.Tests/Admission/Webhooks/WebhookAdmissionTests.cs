using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Axolotl.Testing;
using Microsoft.AspNetCore.Http;

namespace Axolotl.ApiServer.Tests.Admission.Webhooks;

/// <summary>The webhook plugins through the real HTTP API, against real HTTPS webhooks on loopback started by each test.</summary>
public sealed class WebhookAdmissionTests : IAsyncLifetime
{
    private InProcessCluster _cluster = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _cluster = await InProcessCluster.StartAsync(CancellationToken.None);
        _http = _cluster.CreateHttpClient();
        await PostAsync("/api/v1/namespaces", """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"guarded","labels":{"webhooks":"on"}}}""", HttpStatusCode.Created);
        await PostAsync("/api/v1/namespaces", """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"free"}}""", HttpStatusCode.Created);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _cluster.DisposeAsync();
    }

    private static string ConfigMap(string name, string labels = "{}") =>
        $$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"{{{name}}}","labels":{{{labels}}}},"data":{"k":"v"}}""";

    private static string Webhook(string name, string clientConfig, string extra = "") => $$$"""
        {"name":"{{{name}}}","clientConfig":{{{clientConfig}}},
         "rules":[{"operations":["CREATE","UPDATE"],"apiGroups":[""],"apiVersions":["v1"],"resources":["configmaps"]}],
         "namespaceSelector":{"matchLabels":{"webhooks":"on"}},
         "sideEffects":"None","admissionReviewVersions":["v1"]{{{extra}}}}
        """;

    private static string UrlConfig(TestWebhookServer server, string path) => $$"""{"url":"{{server.Url(path)}}","caBundle":"{{server.CaBundle}}"}""";

    private async Task<HttpResponseMessage> PostAsync(string path, string body, HttpStatusCode? expected = null)
    {
        var response = await _http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"), CancellationToken.None);
        if (expected is { } code)
        {
            Assert.True(response.StatusCode == code, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        return response;
    }

    private async Task<JsonObject> StatusOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonObject>(CancellationToken.None))!;

    private Task ConfigureAsync(string kind, params string[] webhooks) =>
        PostAsync($"/apis/admissionregistration.k8s.io/v1/{kind.ToLowerInvariant()}s",
            $$"""{"apiVersion":"admissionregistration.k8s.io/v1","kind":"{{kind}}","metadata":{"name":"test"},"webhooks":[{{string.Join(",", webhooks)}}]}""",
            HttpStatusCode.Created);

    /// <summary>Dry-run creates until <paramref name="server"/> hears one: the configuration is in the server's cache from then on.</summary>
    private async Task UntilCalledAsync(TestWebhookServer server)
    {
        await Eventually.TrueAsync(async () =>
        {
            using var _ = await PostAsync("/api/v1/namespaces/guarded/configmaps?dryRun=All", ConfigMap("probe"));
            return server.Received.Any(r => r.Review["request"]!["name"]?.GetValue<string>() == "probe");
        }, "the webhook configuration to reach the admission cache");
    }

    private static int DeadPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task A_validating_webhook_refuses_with_its_message_and_sees_upstreams_admission_review()
    {
        await using var server = await TestWebhookServer.StartAsync((ctx, review) =>
            review["request"]!["name"]!.GetValue<string>() == "bad"
                ? TestWebhookServer.Deny(ctx, review, 403, "configmaps named bad are not welcome")
                : TestWebhookServer.Allow(ctx, review, warnings: "looked at it"));
        await ConfigureAsync("ValidatingWebhookConfiguration", Webhook("deny.example.com", UrlConfig(server, "/validate")));
        await UntilCalledAsync(server);

        var refused = await PostAsync("/api/v1/namespaces/guarded/configmaps", ConfigMap("bad"), HttpStatusCode.Forbidden);
        Assert.Equal("admission webhook \"deny.example.com\" denied the request: configmaps named bad are not welcome", (await StatusOf(refused))["message"]!.GetValue<string>());

        var allowed = await PostAsync("/api/v1/namespaces/guarded/configmaps", ConfigMap("good"), HttpStatusCode.Created);
        Assert.Contains("299 - \"looked at it\"", allowed.Headers.GetValues("Warning"));
        var (path, review) = server.Received.Last();
        Assert.Equal("/validate?timeout=10s", path);
        Assert.Equal("admission.k8s.io/v1", review["apiVersion"]!.GetValue<string>());
        var request = review["request"]!;
        Assert.Equal("CREATE", request["operation"]!.GetValue<string>());
        Assert.Equal("ConfigMap", request["kind"]!["kind"]!.GetValue<string>());
        Assert.Equal("configmaps", request["resource"]!["resource"]!.GetValue<string>());
        Assert.Equal("guarded", request["namespace"]!.GetValue<string>());
        Assert.Equal("v", request["object"]!["data"]!["k"]!.GetValue<string>());
        Assert.False(request["dryRun"]!.GetValue<bool>());
        Assert.False(string.IsNullOrEmpty(request["userInfo"]!["username"]?.GetValue<string>()));
        Assert.False(string.IsNullOrEmpty(request["uid"]!.GetValue<string>()));

        // The namespaceSelector leaves this namespace out: the webhook never hears of it.
        var before = server.Received.Count;
        await PostAsync("/api/v1/namespaces/free/configmaps", ConfigMap("bad"), HttpStatusCode.Created);
        Assert.Equal(before, server.Received.Count);
    }

    [Fact]
    public async Task Match_conditions_skip_the_webhook_when_one_is_false_and_apply_the_failure_policy_to_an_error()
    {
        await using var server = await TestWebhookServer.StartAsync((ctx, review) =>
            TestWebhookServer.Deny(ctx, review, 403, "seen and refused"));
        // Only ConfigMaps labelled check=yes, created by a user whose name is not "nobody", go to the webhook.
        const string conditions = """
            ,"matchConditions":[
              {"name":"labelled","expression":"has(object.metadata.labels) && 'check' in object.metadata.labels && object.metadata.labels['check'] == 'yes'"},
              {"name":"by-someone","expression":"request.userInfo.username != 'nobody' && request.operation == 'CREATE' && oldObject == null"}]
            """;
        await ConfigureAsync("ValidatingWebhookConfiguration", Webhook("conditional.example.com", UrlConfig(server, "/"), conditions));
        await Eventually.TrueAsync(async () =>
            (await PostAsync("/api/v1/namespaces/guarded/configmaps?dryRun=All", ConfigMap("probe", """{"check":"yes"}"""))).StatusCode == HttpStatusCode.Forbidden,
            "the webhook configuration to reach the admission cache");

        await PostAsync("/api/v1/namespaces/guarded/configmaps", ConfigMap("unlabelled"), HttpStatusCode.Created);
        await PostAsync("/api/v1/namespaces/guarded/configmaps", ConfigMap("other", """{"check":"no"}"""), HttpStatusCode.Created);
        var refused = await PostAsync("/api/v1/namespaces/guarded/configmaps", ConfigMap("checked", """{"check":"yes"}"""), HttpStatusCode.Forbidden);
        Assert.Equal("admission webhook \"conditional.example.com\" denied the request: seen and refused", (await StatusOf(refused))["message"]!.GetValue<string>());
        Assert.DoesNotContain(server.Received, r => r.Review["request"]!["name"]?.GetValue<string>() is "unlabelled" or "other");

        // A condition that fails at run time (no such key) refuses the request under Fail, and skips the webhook under Ignore.
        await _http.DeleteAsync("/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/test", CancellationToken.None);
        const string broken = ""","matchConditions":[{"name":"broken","expression":"object.data['missing'] == 'x'"}]""";
        await ConfigureAsync("ValidatingWebhookConfiguration", Webhook("broken.example.com", UrlConfig(server, "/"), broken));
        var failed = await Eventually.UntilAsync(
            async () => await PostAsync("/api/v1/namespaces/guarded/configmaps", ConfigMap("failing")),
            r => r.StatusCode == HttpStatusCode.Forbidden, "the broken condition to refuse");
        var message = (await StatusOf(failed))["message"]!.GetValue<string>();
        Assert.StartsWith("configmaps \"failing\" is forbidden: expression 'object.data['missing'] == 'x'' resulted in error: ", message, StringComparison.Ordinal);

        var configuration = await (await _http.GetAsync("/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/test", CancellationToken.None))
            .Content.ReadFromJsonAsync<JsonObject>(CancellationToken.None);
        configuration!["webhooks"]![0]!["failurePolicy"] = "Ignore";
        var put = await _http.PutAsync("/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/test",
            new StringContent(configuration.ToJsonString(), Encoding.UTF8, "application/json"), CancellationToken.None);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        await Eventually.UntilAsync(
            async () => await PostAsync("/api/v1/namespaces/guarded/configmaps", ConfigMap("ignored-" + Guid.NewGuid().ToString("N")[..6])),
            r => r.StatusCode == HttpStatusCode.Created, "the Ignore policy to skip the webhook");
    }

    [Fact]
    public async Task A_match_condition_that_does_not_compile_is_refused_with_the_compilers_message()
    {
        var response = await PostAsync("/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations",
            $$"""{"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingWebhookConfiguration","metadata":{"name":"bad"},"webhooks":[{{Webhook("bad.example.com", """{"url":"https://127.0.0.1:1/"}""", ""","matchConditions":[{"name":"c","expression":"authorizer == null"},{"name":"d","expression":"object.("},{"name":"e","expression":"request.name"}]""")}}]}""",
            HttpStatusCode.UnprocessableEntity);
        var status = await StatusOf(response);
        var causes = status["details"]!["causes"]!.AsArray().Select(c => (c!["field"]!.GetValue<string>(), c["message"]!.GetValue<string>())).ToList();
        Assert.Contains(causes, c => c.Item1 == "webhooks[0].matchConditions[0].expression" && c.Item2.Contains("undeclared reference to 'authorizer'", StringComparison.Ordinal));
        Assert.Contains(causes, c => c.Item1 == "webhooks[0].matchConditions[1].expression" && c.Item2.Contains("compilation failed: ERROR: <input>:1:", StringComparison.Ordinal));
        Assert.Contains(causes, c => c.Item1 == "webhooks[0].matchConditions[2].expression" && c.Item2.EndsWith("must evaluate to bool but got string", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_mutating_webhooks_patch_is_stored_and_an_if_needed_webhook_is_asked_again_after_a_later_change()
    {
        await using var server = await TestWebhookServer.StartAsync((ctx, review) =>
        {
            var labels = review["request"]!["object"]!["metadata"]!["labels"] as JsonObject;
            return ctx.Request.Path.Value switch
            {
                "/first" when labels?["second"] is not null => TestWebhookServer.Allow(ctx, review, """[{"op":"add","path":"/metadata/labels/first-saw-second","value":"yes"}]"""),
                "/second" => TestWebhookServer.Allow(ctx, review, """[{"op":"add","path":"/metadata/labels/second","value":"added"}]"""),
                _ => TestWebhookServer.Allow(ctx, review),
            };
        });
        await ConfigureAsync("MutatingWebhookConfiguration",
            Webhook("first.example.com", UrlConfig(server, "/first"), ""","reinvocationPolicy":"IfNeeded" """),
            Webhook("second.example.com", UrlConfig(server, "/second")));
        await UntilCalledAsync(server);

        var created = await StatusOf(await PostAsync("/api/v1/namespaces/guarded/configmaps", ConfigMap("labelled", """{"mine":"1"}"""), HttpStatusCode.Created));
        var labels = created["metadata"]!["labels"]!.AsObject();
        Assert.Equal("added", labels["second"]!.GetValue<string>());
        Assert.Equal("yes", labels["first-saw-second"]!.GetValue<string>());
        Assert.Equal("1", labels["mine"]!.GetValue<string>());
        Assert.Equal(2, server.Received.Count(r => r.Path.StartsWith("/first", StringComparison.Ordinal) && r.Review["request"]!["name"]?.GetValue<string>() == "labelled"));
    }

    [Fact]
    public async Task What_a_mutating_webhook_changes_belongs_to_no_manager_and_managed_fields_it_breaks_are_put_back()
    {
        await using var server = await TestWebhookServer.StartAsync((ctx, review) =>
        {
            var request = review["request"]!;
            return TestWebhookServer.Allow(ctx, review, request["name"]!.GetValue<string>() switch
            {
                // The webhook sees the managedFields the write was recorded in, as upstream's do.
                "broken" => """[{"op":"replace","path":"/metadata/managedFields/0/fieldsType","value":"FieldsV2"}]""",
                "extra" => """[{"op":"add","path":"/metadata/managedFields/-","value":{"manager":"webhook","operation":"Update","apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:k":{}}}}}]""",
                _ => $$$"""[{"op":"add","path":"/metadata/labels","value":{"stage":"{{{request["operation"]!.GetValue<string>()}}}"}}]""",
            });
        });
        await ConfigureAsync("MutatingWebhookConfiguration", Webhook("mutate.example.com", UrlConfig(server, "/")));
        await UntilCalledAsync(server);

        var created = await StatusOf(await PostAsync("/api/v1/namespaces/guarded/configmaps?fieldManager=creator", ConfigMap("staged"), HttpStatusCode.Created));
        Assert.Equal("CREATE", created["metadata"]!["labels"]!["stage"]!.GetValue<string>());
        var creator = created["metadata"]!["managedFields"]!.AsArray().Single()!;
        Assert.Equal(["f:data"], creator["fieldsV1"]!.AsObject().Select(p => p.Key));

        created["data"]!["k"] = "v2";
        var put = await _http.PutAsync("/api/v1/namespaces/guarded/configmaps/staged?fieldManager=updater",
            new StringContent(created.ToJsonString(), Encoding.UTF8, "application/json"), CancellationToken.None);
        var updated = await StatusOf(put);
        Assert.Equal("UPDATE", updated["metadata"]!["labels"]!["stage"]!.GetValue<string>());
        var updater = updated["metadata"]!["managedFields"]!.AsArray().Single(e => e!["manager"]!.GetValue<string>() == "updater")!;
        Assert.Equal("""{"f:data":{"f:k":{}}}""", updater["fieldsV1"]!.ToJsonString());

        var broken = await PostAsync("/api/v1/namespaces/guarded/configmaps?fieldManager=creator", ConfigMap("broken"), HttpStatusCode.Created);
        Assert.Contains("299 - \".metadata.managedFields was in an invalid state after admission; this could be caused by an outdated mutating admission controller; " +
            "please fix your requests: invalid fieldsType \\\"FieldsV2\\\" in managed fields entry 0\"", broken.Headers.GetValues("Warning"));
        Assert.Equal("FieldsV1", (await StatusOf(broken))["metadata"]!["managedFields"]![0]!["fieldsType"]!.GetValue<string>());

        var extra = await StatusOf(await PostAsync("/api/v1/namespaces/guarded/configmaps?fieldManager=creator", ConfigMap("extra"), HttpStatusCode.Created));
        Assert.Equal(["creator", "webhook"], extra["metadata"]!["managedFields"]!.AsArray().Select(e => e!["manager"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_patch_that_renames_the_object_is_refused()
    {
        await using var server = await TestWebhookServer.StartAsync((ctx, review) =>
            TestWebhookServer.Allow(ctx, review, """[{"op":"replace","path":"/metadata/name","value":"elsewhere"}]"""));
        await ConfigureAsync("MutatingWebhookConfiguration", Webhook("rename.example.com", UrlConfig(server, "/")));
        await UntilCalledAsync(server);

        var refused = await PostAsync("/api/v1/namespaces/guarded/configmaps", ConfigMap("named"), HttpStatusCode.InternalServerError);
        Assert.Contains("may not change metadata.name", (await StatusOf(refused))["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_webhook_that_is_down_fails_the_request_with_fail_and_is_skipped_with_ignore()
    {
        await using var witness = await TestWebhookServer.StartAsync((ctx, review) => TestWebhookServer.Allow(ctx, review));
        var port = DeadPort();
        var down = $$"""{"url":"https://127.0.0.1:{{port}}/down","caBundle":"{{witness.CaBundle}}"}""";
        await ConfigureAsync("ValidatingWebhookConfiguration",
            Webhook("down.example.com", down, ""","failurePolicy":"Ignore" """),
            Webhook("witness.example.com", UrlConfig(witness, "/")));
        await UntilCalledAsync(witness);
        await PostAsync("/api/v1/namespaces/guarded/configmaps", ConfigMap("ignored"), HttpStatusCode.Created);

        var configuration = await (await _http.GetAsync("/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/test", CancellationToken.None))
            .Content.ReadFromJsonAsync<JsonObject>(CancellationToken.None);
        configuration!["webhooks"]![0]!["failurePolicy"] = "Fail";
        var put = await _http.PutAsync("/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/test",
            new StringContent(configuration.ToJsonString(), Encoding.UTF8, "application/json"), CancellationToken.None);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var expected = $"Internal error occurred: failed calling webhook \"down.example.com\": failed to call webhook: Post \"https://127.0.0.1:{port}/down?timeout=10s\": dial tcp 127.0.0.1:{port}: connect: connection refused";
        var refused = await Eventually.UntilAsync(
            async () => await PostAsync("/api/v1/namespaces/guarded/configmaps", ConfigMap("failed")),
            r => r.StatusCode == HttpStatusCode.InternalServerError, "the Fail policy to refuse");
        var status = await StatusOf(refused);
        Assert.Equal("InternalError", status["reason"]!.GetValue<string>());
        Assert.Equal(expected, status["message"]!.GetValue<string>());

        // Requests for webhook configurations never go to webhooks, so a broken one can always be removed.
        var deleted = await _http.DeleteAsync("/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/test", CancellationToken.None);
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
    }

    [Fact]
    public async Task A_webhook_that_times_out_redirects_or_presents_an_untrusted_certificate_fails_the_request()
    {
        await using var server = await TestWebhookServer.StartAsync(async (ctx, review) =>
        {
            switch (ctx.Request.Path.Value)
            {
                case "/slow":
                    await Task.Delay(TimeSpan.FromSeconds(5), TimeProvider.System, ctx.RequestAborted);
                    await TestWebhookServer.Allow(ctx, review);
                    break;
                case "/redirect":
                    ctx.Response.StatusCode = 307;
                    ctx.Response.Headers.Location = "https://127.0.0.1:1/elsewhere";
                    break;
                case "/garbage":
                    await ctx.Response.WriteAsync("this is not json", ctx.RequestAborted);
                    break;
                default:
                    await TestWebhookServer.Allow(ctx, review);
                    break;
            }
        });
        using var otherCa = new TestPki("someone-else");
        var untrusted = Convert.ToBase64String(Encoding.ASCII.GetBytes(otherCa.Ca.ExportCertificatePem()));
        string Scoped(string name, string path, string ca, string extra = "") =>
            Webhook(name, $$"""{"url":"{{server.Url(path)}}","caBundle":"{{ca}}"}""", extra)
                .Replace("\"resources\":[\"configmaps\"]", "\"resources\":[\"configmaps\"],\"scope\":\"Namespaced\"", StringComparison.Ordinal)
                .Replace("{\"webhooks\":\"on\"}", $$"""{"case":"{{path.TrimStart('/')}}"}""", StringComparison.Ordinal);
        await ConfigureAsync("ValidatingWebhookConfiguration",
            Webhook("witness.example.com", UrlConfig(server, "/")),
            Scoped("slow.example.com", "/slow", server.CaBundle, ""","timeoutSeconds":1 """),
            Scoped("redirect.example.com", "/redirect", server.CaBundle),
            Scoped("garbage.example.com", "/garbage", server.CaBundle),
            Scoped("untrusted.example.com", "/untrusted", untrusted));
        await UntilCalledAsync(server);

        async Task<string> FailureIn(string @case)
        {
            await PostAsync("/api/v1/namespaces", """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"CASE","labels":{"case":"CASE"}}}""".Replace("CASE", @case, StringComparison.Ordinal), HttpStatusCode.Created);
            var response = await PostAsync($"/api/v1/namespaces/{@case}/configmaps", ConfigMap("x"), HttpStatusCode.InternalServerError);
            return (await StatusOf(response))["message"]!.GetValue<string>();
        }

        Assert.Equal($"Internal error occurred: failed calling webhook \"slow.example.com\": failed to call webhook: Post \"{server.Url("/slow")}?timeout=1s\": context deadline exceeded", await FailureIn("slow"));
        Assert.Equal($"Internal error occurred: failed calling webhook \"redirect.example.com\": failed to call webhook: the server responded with the status code 307 but did not return more information", await FailureIn("redirect"));
        Assert.StartsWith("Internal error occurred: failed calling webhook \"garbage.example.com\": failed to call webhook: couldn't get version/kind; json parse error:", await FailureIn("garbage"), StringComparison.Ordinal);
        Assert.Equal($"Internal error occurred: failed calling webhook \"untrusted.example.com\": failed to call webhook: Post \"{server.Url("/untrusted")}?timeout=10s\": tls: failed to verify certificate: x509: certificate signed by unknown authority", await FailureIn("untrusted"));
        Assert.DoesNotContain(server.Received, r => r.Path.StartsWith("/untrusted", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Configurations_are_validated_with_upstreams_field_errors()
    {
        var response = await PostAsync("/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations",
            """{"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingWebhookConfiguration","metadata":{"name":"bad"},"webhooks":[{"name":"a.example.com","clientConfig":{"url":"http://x.example.com"},"sideEffects":"None","admissionReviewVersions":["v1"]}]}""",
            HttpStatusCode.UnprocessableEntity);
        Assert.Equal("ValidatingWebhookConfiguration.admissionregistration.k8s.io \"bad\" is invalid: webhooks[0].clientConfig.url: Invalid value: \"http\": 'https' is the only allowed URL scheme; desired format: https://host[/path]",
            (await StatusOf(response))["message"]!.GetValue<string>());
    }
}
