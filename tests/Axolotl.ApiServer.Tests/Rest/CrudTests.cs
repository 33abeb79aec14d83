using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Tests.Rest;

[Trait("Category", "Integration")]
public sealed class CrudTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Create_fills_in_uid_creation_time_generation_and_resource_version()
    {
        var ns = await api.CreateNamespaceAsync("crud-1");
        var (code, body) = await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiFixture.ConfigMap("a"));
        Assert.Equal(201, code);
        var meta = body["metadata"]!.AsObject();
        Assert.False(string.IsNullOrEmpty((string?)meta["uid"]));
        Assert.False(string.IsNullOrEmpty((string?)meta["resourceVersion"]));
        Assert.NotNull(meta["creationTimestamp"]);
        Assert.Equal(ns, (string?)meta["namespace"]);
    }

    [Fact]
    public async Task A_second_create_of_the_same_name_is_409_AlreadyExists()
    {
        var ns = await api.CreateNamespaceAsync("crud-2");
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiFixture.ConfigMap("dup"));
        var (code, body) = await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiFixture.ConfigMap("dup"));
        Assert.Equal(409, code);
        Assert.Equal("AlreadyExists", (string?)body["reason"]);
        Assert.Equal("configmaps \"dup\" already exists", (string?)body["message"]);
    }

    [Fact]
    public async Task GenerateName_gets_a_five_character_suffix()
    {
        var ns = await api.CreateNamespaceAsync("crud-3");
        var (code, body) = await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps",
            """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"generateName":"gen-"}}""");
        Assert.Equal(201, code);
        Assert.Matches("^gen-[a-z0-9]{5}$", (string?)body["metadata"]!["name"]);
    }

    [Fact]
    public async Task An_update_with_a_stale_resourceVersion_is_409_Conflict()
    {
        var ns = await api.CreateNamespaceAsync("crud-4");
        var (_, created) = await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiFixture.ConfigMap("c"));
        var rv = (string?)created["metadata"]!["resourceVersion"];
        // The first update must change something: a no-op update keeps the resourceVersion, as upstream.
        var first = await api.PutAsync($"/api/v1/namespaces/{ns}/configmaps/c", ApiFixture.ConfigMap("c", $"\"resourceVersion\":\"{rv}\",\"labels\":{{\"v\":\"2\"}}"));
        Assert.Equal(200, first.Code);
        var (code, body) = await api.PutAsync($"/api/v1/namespaces/{ns}/configmaps/c", ApiFixture.ConfigMap("c", $"\"resourceVersion\":\"{rv}\""));
        Assert.Equal(409, code);
        Assert.Equal("Conflict", (string?)body["reason"]);
        Assert.Contains("the object has been modified", (string?)body["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Creating_in_a_missing_namespace_is_404()
    {
        var (code, body) = await api.PostAsync("/api/v1/namespaces/nowhere/configmaps", ApiFixture.ConfigMap("x"));
        Assert.Equal(404, code);
        Assert.Equal("namespaces \"nowhere\" not found", (string?)body["message"]);
    }

    [Fact]
    public async Task A_body_for_another_kind_is_400()
    {
        var ns = await api.CreateNamespaceAsync("crud-5");
        var (code, body) = await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps",
            """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"x"}}""");
        Assert.Equal(400, code);
        Assert.Equal("BadRequest", (string?)body["reason"]);
    }

    [Fact]
    public async Task Malformed_json_is_400_and_never_500()
    {
        var (code, body) = await api.PostAsync("/api/v1/namespaces/default/configmaps", "{\"apiVersion\": ");
        Assert.Equal(400, code);
        Assert.Equal("Status", (string?)body["kind"]);
    }

    [Fact]
    public async Task A_body_over_three_mebibytes_is_413()
    {
        var big = new string('x', 3 * 1024 * 1024 + 10);
        var (code, body) = await api.PostAsync("/api/v1/namespaces/default/configmaps",
            "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"big\"},\"data\":{\"k\":\"" + big + "\"}}");
        Assert.Equal(413, code);
        Assert.Equal("RequestEntityTooLarge", (string?)body["reason"]);
    }

    [Fact]
    public async Task Unknown_fields_are_rejected_under_Strict_and_reported_as_warnings_under_Warn()
    {
        var ns = await api.CreateNamespaceAsync("crud-6");
        var strict = await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps?fieldValidation=Strict",
            """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"s"},"bogus":1}""");
        Assert.Equal(400, strict.Code);
        Assert.Contains("strict decoding error: unknown field \"bogus\"", (string?)strict.Body["message"], StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps?fieldValidation=Warn")
        {
            Content = new StringContent("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"w"},"bogus":1}""", System.Text.Encoding.UTF8, "application/json"),
        };
        using var response = await api.Http.SendAsync(request);
        Assert.Equal(201, (int)response.StatusCode);
        Assert.Contains(response.Headers.GetValues("Warning"), w => w.Contains("unknown field \\\"bogus\\\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DryRun_runs_admission_but_stores_nothing()
    {
        var ns = await api.CreateNamespaceAsync("crud-7");
        var (code, _) = await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps?dryRun=All", ApiFixture.ConfigMap("dry"));
        Assert.Equal(201, code);
        var (getCode, _) = await api.GetAsync($"/api/v1/namespaces/{ns}/configmaps/dry");
        Assert.Equal(404, getCode);
    }

    [Fact]
    public async Task Spec_changes_bump_generation_and_metadata_changes_do_not()
    {
        var ns = await api.CreateNamespaceAsync("crud-8");
        var deployment = """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"selector":{"matchLabels":{"app":"d"}},"template":{"metadata":{"labels":{"app":"d"}},"spec":{"containers":[{"name":"c","image":"busybox"}]}}}}""";
        await api.PostAsync($"/apis/apps/v1/namespaces/{ns}/deployments", deployment);
        var labelled = await api.PatchAsync($"/apis/apps/v1/namespaces/{ns}/deployments/d", """{"metadata":{"labels":{"x":"y"}}}""", "application/merge-patch+json");
        Assert.Equal(1L, (long?)labelled.Body["metadata"]!["generation"]);
        var scaled = await api.PatchAsync($"/apis/apps/v1/namespaces/{ns}/deployments/d", """{"spec":{"replicas":3}}""", "application/strategic-merge-patch+json");
        Assert.Equal(2L, (long?)scaled.Body["metadata"]!["generation"]);
    }

    [Fact]
    public async Task The_status_subresource_changes_status_only_and_the_main_resource_never_changes_status()
    {
        var ns = await api.CreateNamespaceAsync("crud-9");
        var deployment = """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"d"}},"template":{"metadata":{"labels":{"app":"d"}},"spec":{"containers":[{"name":"c","image":"busybox"}]}}}}""";
        await api.PostAsync($"/apis/apps/v1/namespaces/{ns}/deployments", deployment);
        var viaMain = await api.PatchAsync($"/apis/apps/v1/namespaces/{ns}/deployments/d", """{"status":{"replicas":9}}""", "application/merge-patch+json");
        Assert.Null(viaMain.Body["status"]?["replicas"]);
        var viaStatus = await api.PatchAsync($"/apis/apps/v1/namespaces/{ns}/deployments/d/status", """{"status":{"replicas":9},"spec":{"replicas":5}}""", "application/merge-patch+json");
        Assert.Equal(200, viaStatus.Code);
        Assert.Equal(9, (int?)viaStatus.Body["status"]!["replicas"]);
        Assert.Equal(1, (int?)viaStatus.Body["spec"]!["replicas"]);
    }

    [Fact]
    public async Task Scale_reads_and_writes_spec_replicas()
    {
        var ns = await api.CreateNamespaceAsync("crud-10");
        var deployment = """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"d"}},"template":{"metadata":{"labels":{"app":"d"}},"spec":{"containers":[{"name":"c","image":"busybox"}]}}}}""";
        await api.PostAsync($"/apis/apps/v1/namespaces/{ns}/deployments", deployment);
        var (code, scale) = await api.GetAsync($"/apis/apps/v1/namespaces/{ns}/deployments/d/scale");
        Assert.Equal(200, code);
        Assert.Equal("Scale", (string?)scale["kind"]);
        Assert.Equal(2, (int?)scale["spec"]!["replicas"]);
        Assert.Equal("app=d", (string?)scale["status"]!["selector"]);
        var patched = await api.PatchAsync($"/apis/apps/v1/namespaces/{ns}/deployments/d/scale", """{"spec":{"replicas":4}}""", "application/merge-patch+json");
        Assert.Equal(4, (int?)patched.Body["spec"]!["replicas"]);
        var (_, after) = await api.GetAsync($"/apis/apps/v1/namespaces/{ns}/deployments/d");
        Assert.Equal(4, (int?)after["spec"]!["replicas"]);
    }

    [Fact]
    public async Task Paging_returns_every_item_exactly_once()
    {
        var ns = await api.CreateNamespaceAsync("crud-11");
        for (var i = 0; i < 7; i++)
        {
            await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiFixture.ConfigMap($"p{i}"));
        }
        var names = new List<string>();
        string? token = null;
        do
        {
            var (code, page) = await api.GetAsync($"/api/v1/namespaces/{ns}/configmaps?limit=3" + (token is null ? "" : $"&continue={Uri.EscapeDataString(token)}"));
            Assert.Equal(200, code);
            names.AddRange(page["items"]!.AsArray().Select(i => (string)i!["metadata"]!["name"]!));
            token = (string?)page["metadata"]!["continue"];
        }
        while (token is not null);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"p{i}"), names);
    }

    [Fact]
    public async Task A_Table_request_gets_rows_with_partial_object_metadata()
    {
        var ns = await api.CreateNamespaceAsync("crud-12");
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiFixture.ConfigMap("t"));
        var (code, table) = await api.GetAsync($"/api/v1/namespaces/{ns}/configmaps",
            "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
        Assert.Equal(200, code);
        Assert.Equal("Table", (string?)table["kind"]);
        Assert.NotNull(table["metadata"]!["resourceVersion"]);
        var row = table["rows"]!.AsArray().Single()!;
        Assert.Equal("t", (string?)row["cells"]![0]);
        Assert.Equal("PartialObjectMetadata", (string?)row["object"]!["kind"]);
    }

    [Fact]
    public async Task Requests_with_a_wrong_token_are_401_and_without_one_only_health_and_version_answer()
    {
        using var wrong = api.Cluster.CreateHttpClient(token: "wrong");
        var denied = await wrong.GetAsync("/api/v1/namespaces");
        Assert.Equal(401, (int)denied.StatusCode);
        var status = JsonNode.Parse(await denied.Content.ReadAsStringAsync())!;
        Assert.Equal("Unauthorized", (string?)status["reason"]);
        // As kube-apiserver: a credential that fails is 401 everywhere; no credential is system:anonymous,
        // whom system:public-info-viewer lets read health and version.
        Assert.Equal(401, (int)(await wrong.GetAsync("/healthz")).StatusCode);
        using var anonymous = api.Cluster.CreateHttpClient();
        anonymous.DefaultRequestHeaders.Authorization = null;
        Assert.Equal(200, (int)(await anonymous.GetAsync("/healthz")).StatusCode);
        Assert.Equal(200, (int)(await anonymous.GetAsync("/version")).StatusCode);
        Assert.Equal(401, (int)(await anonymous.GetAsync("/api/v1/namespaces")).StatusCode);
    }

    [Fact]
    public async Task Unsupported_field_selectors_are_400()
    {
        var (code, body) = await api.GetAsync("/api/v1/pods?fieldSelector=spec.bogus%3Dx");
        Assert.Equal(400, code);
        Assert.Equal("field label not supported: spec.bogus", (string?)body["message"]);
    }

    [Fact]
    public async Task Unknown_paths_are_404_Status()
    {
        var (code, body) = await api.GetAsync("/apis/apps/v1/widgets");
        Assert.Equal(404, code);
        Assert.Equal("NotFound", (string?)body["reason"]);
    }
}
