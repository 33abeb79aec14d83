using System.Text;
using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Tests.Rest;

/// <summary>The wire details official clients depend on: query spellings, trailing newlines, served defaults.</summary>
[Trait("Category", "Integration")]
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

    [Fact]
    public async Task ResourceVersionMatch_Exact_lists_as_of_that_revision_and_410_once_compacted()
    {
        var ns = await api.CreateNamespaceAsync("wire-exact");
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiFixture.ConfigMap("old"));
        var (_, then) = await api.GetAsync($"/api/v1/namespaces/{ns}/configmaps");
        var rv = (string)then["metadata"]!["resourceVersion"]!;
        await api.PatchAsync($"/api/v1/namespaces/{ns}/configmaps/old", """{"data":{"k":"new"}}""", "application/merge-patch+json");
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiFixture.ConfigMap("later"));

        var (code, exact) = await api.GetAsync($"/api/v1/namespaces/{ns}/configmaps?resourceVersion={rv}&resourceVersionMatch=Exact");
        Assert.Equal(200, code);
        Assert.Equal(rv, (string?)exact["metadata"]!["resourceVersion"]);
        var item = Assert.Single(exact["items"]!.AsArray());
        Assert.Equal("v", (string?)item!["data"]!["k"]);
        var (_, fresh) = await api.GetAsync($"/api/v1/namespaces/{ns}/configmaps?resourceVersion={rv}&resourceVersionMatch=NotOlderThan");
        Assert.Equal(2, fresh["items"]!.AsArray().Count);

        await api.Cluster.Store.CompactAsync(api.Cluster.Store.CurrentRevision, CancellationToken.None);
        var (goneCode, gone) = await api.GetAsync($"/api/v1/namespaces/{ns}/configmaps?resourceVersion={rv}&resourceVersionMatch=Exact");
        Assert.Equal(410, goneCode);
        Assert.Equal("Expired", (string?)gone["reason"]);
        Assert.Equal("The resourceVersion for the provided list is too old.", (string?)gone["message"]);
    }

    [Theory]
    [InlineData("resourceVersionMatch=Exact", "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided")]
    [InlineData("resourceVersion=0&resourceVersionMatch=Exact", "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"")]
    [InlineData("resourceVersion=1&resourceVersionMatch=Newest", "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Unsupported value: \"Newest\": supported values: \"Exact\", \"NotOlderThan\", \"\"")]
    [InlineData("resourceVersionMatch=Newest", "ListOptions.meta.k8s.io \"\" is invalid: [resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided, resourceVersionMatch: Unsupported value: \"Newest\": supported values: \"Exact\", \"NotOlderThan\", \"\"]")]
    [InlineData("sendInitialEvents=true", "ListOptions.meta.k8s.io \"\" is invalid: sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list")]
    [InlineData("watch=1&resourceVersion=1&resourceVersionMatch=NotOlderThan", "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided")]
    [InlineData("watch=1&sendInitialEvents=true", "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan")]
    public async Task Invalid_list_and_watch_options_are_422_with_upstreams_wording(string query, string message)
    {
        var (code, body) = await api.GetAsync($"/api/v1/namespaces/default/configmaps?{query}");
        Assert.Equal(422, code);
        Assert.Equal("Invalid", (string?)body["reason"]);
        Assert.Equal(message, (string?)body["message"]);
    }

    [Fact]
    public async Task SendInitialEvents_streams_the_current_state_then_an_annotated_bookmark()
    {
        var ns = await api.CreateNamespaceAsync("wire-initial");
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiFixture.ConfigMap("present"));
        await using var watch = await WatchStream.OpenAsync(api.Http,
            $"/api/v1/namespaces/{ns}/configmaps?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true");
        Assert.Equal(("ADDED", "present"), Pick(await watch.NextAsync(Deadline)));
        var bookmark = await watch.NextAsync(Deadline);
        Assert.Equal("BOOKMARK", bookmark.Type);
        Assert.Equal("true", (string?)bookmark.Object["metadata"]!["annotations"]!["k8s.io/initial-events-end"]);
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiFixture.ConfigMap("after"));
        Assert.Equal(("ADDED", "after"), Pick(await watch.NextAsync(Deadline)));
    }

    [Fact]
    public async Task SendInitialEvents_false_streams_only_changes()
    {
        var ns = await api.CreateNamespaceAsync("wire-noinitial");
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiFixture.ConfigMap("present"));
        await using var watch = await WatchStream.OpenAsync(api.Http,
            $"/api/v1/namespaces/{ns}/configmaps?watch=1&sendInitialEvents=false&resourceVersionMatch=NotOlderThan");
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiFixture.ConfigMap("after"));
        Assert.Equal(("ADDED", "after"), Pick(await watch.NextAsync(Deadline)));
    }

    private static (string, string?) Pick(WatchStream.Event e) => (e.Type, e.Name);

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
