using System.Text;
using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Tests.Rest;

/// <summary>The wire details official clients depend on: query spellings, trailing newlines, served defaults.</summary>
public sealed class WireFidelityTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData("True")]
    [InlineData("1")]
    [InlineData("t")]
    [InlineData("TRUE")]
    public async Task A_watch_spelled_as_the_Python_client_spells_it_streams_events(string spelling)
    {
        var ns = await api.CreateNamespaceAsync("wire-watch-" + NameOf(spelling));
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiFixture.ConfigMap("seen"));
        await using var watch = await WatchStream.OpenAsync(api.Http, $"/api/v1/namespaces/{ns}/configmaps?watch={spelling}&resourceVersion=0&allowWatchBookmarks={spelling}");
        var first = await watch.NextAsync(Deadline);
        Assert.Equal(("ADDED", "seen"), (first.Type, first.Name));
    }

    [Theory]
    [InlineData("False")]
    [InlineData("0")]
    [InlineData("FALSE")]
    public async Task Watch_false_in_any_spelling_is_a_list(string spelling)
    {
        var ns = await api.CreateNamespaceAsync("wire-list-" + NameOf(spelling));
        var (code, body) = await api.GetAsync($"/api/v1/namespaces/{ns}/configmaps?watch={spelling}");
        Assert.Equal(200, code);
        Assert.Equal("ConfigMapList", (string?)body["kind"]);
    }

    [Fact]
    public async Task OrphanDependents_True_orphans()
    {
        var ns = await api.CreateNamespaceAsync("wire-orphan");
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiFixture.ConfigMap("o", "\"finalizers\":[\"example.com/hold\"]"));
        var (code, deleted) = await api.DeleteAsync($"/api/v1/namespaces/{ns}/configmaps/o?orphanDependents=True");
        Assert.Equal(200, code);
        Assert.Contains("orphan", deleted["metadata"]!["finalizers"]!.AsArray().Select(f => (string?)f));
    }

    [Theory]
    [InlineData("limit=ten", "strconv.ParseInt: parsing \"ten\": invalid syntax")]
    [InlineData("limit=99999999999999999999", "strconv.ParseInt: parsing \"99999999999999999999\": value out of range")]
    [InlineData("watch=true&timeoutSeconds=1.5", "strconv.ParseInt: parsing \"1.5\": invalid syntax")]
    public async Task A_bad_integer_parameter_is_400_BadRequest_with_Gos_message(string query, string message)
    {
        var ns = await api.CreateNamespaceAsync("wire-int-" + query.Length);
        var (code, body) = await api.GetAsync($"/api/v1/namespaces/{ns}/configmaps?{query}");
        Assert.Equal(400, code);
        Assert.Equal("BadRequest", (string?)body["reason"]);
        Assert.Equal(message, (string?)body["message"]);
    }

    [Fact]
    public async Task A_bad_gracePeriodSeconds_is_400_and_deletes_nothing()
    {
        var ns = await api.CreateNamespaceAsync("wire-grace");
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiFixture.ConfigMap("keep"));
        var (code, body) = await api.DeleteAsync($"/api/v1/namespaces/{ns}/configmaps/keep?gracePeriodSeconds=soon");
        Assert.Equal(400, code);
        Assert.Equal("strconv.ParseInt: parsing \"soon\": invalid syntax", (string?)body["message"]);
        Assert.Equal(200, (await api.GetAsync($"/api/v1/namespaces/{ns}/configmaps/keep")).Code);
    }

    [Fact]
    public async Task A_zero_or_negative_limit_lists_everything_as_upstream_pages_only_for_a_positive_one()
    {
        var ns = await api.CreateNamespaceAsync("wire-limit");
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiFixture.ConfigMap("a"));
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiFixture.ConfigMap("b"));
        foreach (var limit in new[] { "0", "-1" })
        {
            var (code, body) = await api.GetAsync($"/api/v1/namespaces/{ns}/configmaps?limit={limit}");
            Assert.Equal(200, code);
            Assert.Equal(2, body["items"]!.AsArray().Count);
        }
    }

    [Fact]
    public async Task Objects_lists_and_Status_errors_end_with_a_newline()
    {
        var ns = await api.CreateNamespaceAsync("wire-newline");
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiFixture.ConfigMap("n"));
        foreach (var path in new[] { $"/api/v1/namespaces/{ns}/configmaps/n", $"/api/v1/namespaces/{ns}/configmaps", $"/api/v1/namespaces/{ns}/configmaps/missing", "/api/v1" })
        {
            var text = await api.Http.GetStringAsyncAllowingErrors(path);
            Assert.EndsWith("}\n", text, StringComparison.Ordinal);
            Assert.DoesNotContain("\n", text.TrimEnd('\n'), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Pretty_true_indents_and_an_invalid_pretty_is_ignored()
    {
        var ns = await api.CreateNamespaceAsync("wire-pretty");
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiFixture.ConfigMap("p"));
        var pretty = await api.Http.GetStringAsyncAllowingErrors($"/api/v1/namespaces/{ns}/configmaps/p?pretty=T");
        Assert.StartsWith("{\n  \"", pretty, StringComparison.Ordinal);
        var plain = await api.Http.GetStringAsyncAllowingErrors($"/api/v1/namespaces/{ns}/configmaps/p?pretty=yes");
        Assert.StartsWith("{\"", plain, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigMaps_and_Services_carry_no_generation_and_Deployments_do()
    {
        var ns = await api.CreateNamespaceAsync("wire-gen");
        var (_, cm) = await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiFixture.ConfigMap("g", "\"generation\":7"));
        Assert.Null(cm["metadata"]!["generation"]);
        var (_, patched) = await api.PatchAsync($"/api/v1/namespaces/{ns}/configmaps/g", """{"data":{"k":"changed"}}""", "application/merge-patch+json");
        Assert.Null(patched["metadata"]!["generation"]);
        var (_, svc) = await api.PostAsync($"/api/v1/namespaces/{ns}/services", Service("s"));
        Assert.Null(svc["metadata"]!["generation"]);
        var (_, deployment) = await api.PostAsync($"/apis/apps/v1/namespaces/{ns}/deployments",
            """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"selector":{"matchLabels":{"app":"d"}},"template":{"metadata":{"labels":{"app":"d"}},"spec":{"containers":[{"name":"c","image":"busybox"}]}}}}""");
        Assert.Equal(1L, (long?)deployment["metadata"]!["generation"]);
        Assert.Equal("{}", deployment["status"]!.ToJsonString());
    }

    [Fact]
    public async Task A_Service_without_status_is_served_with_an_empty_loadBalancer_everywhere()
    {
        var ns = await api.CreateNamespaceAsync("wire-svc");
        await using var watch = await WatchStream.OpenAsync(api.Http, $"/api/v1/namespaces/{ns}/services?watch=true");
        var (_, created) = await api.PostAsync($"/api/v1/namespaces/{ns}/services", Service("lb"));
        Assert.Equal("""{"loadBalancer":{}}""", created["status"]!.ToJsonString());
        Assert.Equal("""{"loadBalancer":{}}""", (await api.GetAsync($"/api/v1/namespaces/{ns}/services/lb")).Body["status"]!.ToJsonString());
        var (_, list) = await api.GetAsync($"/api/v1/namespaces/{ns}/services");
        Assert.Equal("""{"loadBalancer":{}}""", list["items"]![0]!["status"]!.ToJsonString());
        var added = await watch.NextAsync(Deadline);
        Assert.Equal("""{"loadBalancer":{}}""", added.Object["status"]!.ToJsonString());
    }

    [Fact]
    public async Task OpenAPI_v2_is_Swagger_JSON_unless_protobuf_is_asked_for()
    {
        using var json = await api.Http.GetAsync("/openapi/v2");
        Assert.Equal("application/json", json.Content.Headers.ContentType!.MediaType);
        var swagger = JsonNode.Parse(await json.Content.ReadAsStringAsync())!;
        Assert.Equal("2.0", (string?)swagger["swagger"]);
        var pod = swagger["definitions"]!["io.k8s.api.core.v1.Pod"]!;
        Assert.Equal("#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", (string?)pod["properties"]!["metadata"]!["$ref"]);
        Assert.Equal("Pod", (string?)pod["x-kubernetes-group-version-kind"]![0]!["kind"]);
        var read = swagger["paths"]!["/api/v1/namespaces/{namespace}/pods/{name}"]!["get"]!;
        Assert.Equal("#/definitions/io.k8s.api.core.v1.Pod", (string?)read["responses"]!["200"]!["schema"]!["$ref"]);
        var create = swagger["paths"]!["/apis/apps/v1/namespaces/{namespace}/deployments"]!["post"]!;
        var body = create["parameters"]!.AsArray().Single(p => (string?)p!["in"] == "body")!;
        Assert.Equal("#/definitions/io.k8s.api.apps.v1.Deployment", (string?)body["schema"]!["$ref"]);
        var watchParameter = swagger["paths"]!["/api/v1/namespaces/{namespace}/pods"]!["get"]!["parameters"]!.AsArray().Single(p => (string?)p!["name"] == "watch")!;
        Assert.Equal("boolean", (string?)watchParameter["type"]);
        Assert.Null(watchParameter["schema"]);
        Assert.DoesNotContain("#/components/", swagger.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("\"oneOf\"", swagger.ToJsonString(), StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/v2");
        request.Headers.TryAddWithoutValidation("Accept", "application/com.github.proto-openapi.spec.v2@v1.0+protobuf");
        using var protobuf = await api.Http.SendAsync(request);
        Assert.Equal("application/com.github.proto-openapi.spec.v2.v1.0+protobuf", protobuf.Content.Headers.ContentType!.ToString());
        var bytes = await protobuf.Content.ReadAsByteArrayAsync();
        Assert.Equal(0x0a, bytes[0]); // field 1 (swagger), length-delimited
        Assert.Equal("2.0", Encoding.UTF8.GetString(bytes, 2, bytes[1]));
    }

    // "True" and "TRUE" must not share a namespace name.
    private static string NameOf(string spelling) =>
        string.Concat(spelling.Select(c => char.IsUpper(c) ? "u" + char.ToLowerInvariant(c) : c.ToString()));

    private static string Service(string name) =>
        "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{\"selector\":{\"app\":\"x\"},\"ports\":[{\"port\":80}]}}";
}

internal static class HttpClientText
{
    /// <summary>The raw body of a GET, whatever its status code.</summary>
    public static async Task<string> GetStringAsyncAllowingErrors(this HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        return await response.Content.ReadAsStringAsync();
    }
}
