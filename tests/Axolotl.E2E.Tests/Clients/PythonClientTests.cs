using System.Text.Json.Nodes;
using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests.Clients;

/// <summary>
/// Debian's python3-kubernetes against a real server, doing what its users do (Clients/python/official_client.py).
/// The client sends booleans as "True": its watches, exec and orphaning deletes depend on the server reading them.
/// </summary>
[Collection(SharedServerACollection.Name)]
public sealed class PythonClientTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private async Task<JsonObject> RunAsync(string scenario, params string[] args)
    {
        var ns = await fx.NewNamespaceAsync("py-" + scenario.Split('-')[0]);
        return await OfficialClients.PythonAsync(fx.Server, "official_client.py", [scenario, ns, .. args]);
    }

    private static string[] Strings(JsonNode? node) => [.. node!.AsArray().Select(n => (string)n!)];

    [Fact]
    public async Task Lists_with_a_label_selector_and_pages_with_limit_and_continue()
    {
        var result = await RunAsync("list");

        Assert.Equal(["item-0", "item-1", "item-2"], Strings(result["all"]));
        Assert.Equal(["item-0", "item-1"], Strings(result["selected"]));
        Assert.Equal(["item-0", "item-1"], Strings(result["firstPage"]));
        Assert.Equal(["item-2"], Strings(result["secondPage"]));
    }

    [Fact]
    public async Task Watch_stream_from_a_resourceVersion_yields_ADDED_MODIFIED_DELETED()
    {
        var result = await RunAsync("watch");

        Assert.Equal("""[["ADDED","watched","1"],["MODIFIED","watched","2"],["DELETED","watched","2"]]""", result["events"]!.ToJsonString());
    }

    [Fact]
    public async Task Watch_stream_sees_changes_made_while_it_is_open()
    {
        var result = await RunAsync("watch-live");

        Assert.Equal("""[["ADDED","already-there"],["ADDED","live"],["DELETED","live"]]""", result["events"]!.ToJsonString());
    }

    [Fact]
    public async Task Every_boolean_spelling_of_watch_means_what_kube_apiserver_reads()
    {
        var result = await RunAsync("spellings");

        var spellings = result["spellings"]!.AsObject();
        foreach (var spelling in new[] { "true", "True", "TRUE", "1", "t" })
        {
            Assert.Equal("watch", (string?)spellings[spelling]);
        }
        foreach (var spelling in new[] { "false", "False", "0" })
        {
            Assert.Equal("ConfigMapList", (string?)spellings[spelling]);
        }
    }

    [Fact]
    public async Task Strategic_merge_json_and_merge_patches_and_a_dry_run_patch()
    {
        var result = await RunAsync("patch");

        Assert.Equal("""{"a":"10","b":"2"}""", result["strategic"]!.ToJsonString());
        Assert.Equal("""{"added":"yes","keep":"yes","suite":"official-client"}""", result["strategicLabels"]!.ToJsonString());
        Assert.Equal("""{"a":"10","c":"3"}""", result["jsonPatch"]!.ToJsonString());
        Assert.Equal("""{"a":"10","c":"3","d":"4"}""", result["merged"]!.ToJsonString());
        Assert.Equal("""{"added":"yes","suite":"official-client"}""", result["mergedLabels"]!.ToJsonString());
        Assert.Equal("dry", (string?)result["dryRunAnswer"]);
        Assert.Equal("""{"a":"10","c":"3","d":"4"}""", result["final"]!.ToJsonString());
        Assert.Null(result["generation"]);
    }

    [Theory]
    [InlineData("orphanDependents")]
    [InlineData("propagationPolicy")]
    public async Task Deleting_a_ReplicaSet_asking_to_orphan_keeps_its_pods(string how)
    {
        var result = await RunAsync("orphan", how);

        Assert.Equal(2, Strings(result["before"]).Length);
        Assert.Equal(Strings(result["before"]), Strings(result["after"]));
    }

    [Fact]
    public async Task Reads_logs_with_limitBytes_timestamps_and_follows_them()
    {
        var result = await RunAsync("logs");

        Assert.Equal(["first", "second"], Strings(result["head"]));
        Assert.Equal("first\n", (string?)result["limited"]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z tick-\d+\n$", (string?)result["stamped"]);
        Assert.Equal(["first", "second"], Strings(result["followed"]));
        Assert.True((int)result["ticks"]! >= 5);
    }

    [Fact]
    public async Task An_APIService_from_yaml_is_created_read_and_refused_a_second_time_as_in_the_clients_own_suite()
    {
        var result = await RunAsync("apiservice");

        Assert.Equal(("v1alpha1.wardle.k8s.io", "wardle.k8s.io", "v1alpha1"), ((string?)result["name"], (string?)result["group"], (string?)result["version"]));
        // test_create_apiservice_from_yaml_with_conflict compares the whole text.
        Assert.Equal("Error from server (Conflict): {\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\"," +
            "\"message\":\"apiservices.apiregistration.k8s.io \\\"v1alpha1.wardle.k8s.io\\\" already exists\",\"reason\":\"AlreadyExists\"," +
            "\"details\":{\"name\":\"v1alpha1.wardle.k8s.io\",\"group\":\"apiregistration.k8s.io\",\"kind\":\"apiservices\"},\"code\":409}\n",
            (string?)result["conflict"]);
    }

    [Fact]
    public async Task Bodies_end_with_a_newline_and_openapi_v2_is_Swagger_JSON_for_the_client_and_for_kubectl()
    {
        var result = await RunAsync("raw");

        Assert.Equal("}\n", (string?)result["object"]);
        Assert.Equal("}\n", (string?)result["list"]);
        Assert.Equal("}\n", (string?)result["status"]);
        Assert.Equal("2.0", (string?)result["swagger"]);
        Assert.Equal("#/definitions/io.k8s.api.core.v1.ConfigMap", (string?)result["configMapRef"]);
        var swagger = JsonNode.Parse(await fx.Kubectl.OkAsync("get", "--raw", "/openapi/v2"))!;
        Assert.Equal("2.0", (string?)swagger["swagger"]);
        Assert.Matches(@"KIND:\s+ConfigMap", await fx.Kubectl.OkAsync("explain", "configmap"));
    }

    [Fact]
    public async Task Exec_through_the_clients_stream_over_a_v4_WebSocket()
    {
        var result = await RunAsync("exec");

        // stdout and stderr are separate pipes and channels: both arrive, in either order.
        Assert.Equal(["err", "out"], ((string?)result["output"] ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
        Assert.Equal("got-hello\n", (string?)result["stdinStdout"]);
        Assert.Equal(3, (int?)result["exitCode"]);
    }
}
