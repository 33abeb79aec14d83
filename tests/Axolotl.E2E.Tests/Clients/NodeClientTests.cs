using System.Text.Json.Nodes;
using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests.Clients;

/// <summary>npm's @kubernetes/client-node (version locked in Clients/node/package-lock.json) against a real server.</summary>
[Collection(SharedServerGCollection.Name)]
public sealed class NodeClientTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private async Task<JsonObject> RunAsync(string scenario)
    {
        var ns = await fx.NewNamespaceAsync("js-" + scenario);
        return await OfficialClients.NodeAsync(fx.Server, "official_client.mjs", [scenario, ns]);
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
    public async Task An_informer_sees_ADDED_MODIFIED_and_DELETED()
    {
        var result = await RunAsync("informer");

        Assert.Equal("""[["ADDED","before","0"],["ADDED","watched","1"],["MODIFIED","watched","2"],["DELETED","watched"]]""", result["events"]!.ToJsonString());
        Assert.Equal(["before"], Strings(result["cached"]));
    }

    [Fact]
    public async Task Patches_of_each_type_and_the_served_shape_of_ConfigMaps_and_Services()
    {
        var result = await RunAsync("patch");

        Assert.Equal("""{"a":"10","b":"2"}""", result["strategic"]!.ToJsonString());
        Assert.Equal("""{"a":"10","b":"2","d":"4"}""", result["merged"]!.ToJsonString());
        Assert.Equal("""{"suite":"official-client"}""", result["mergedLabels"]!.ToJsonString());
        Assert.Equal("""{"a":"10","d":"4"}""", result["jsonPatch"]!.ToJsonString());
        Assert.Null(result["configMapGeneration"]);
        Assert.Equal("""{"loadBalancer":{}}""", result["serviceStatus"]!.ToJsonString());
    }

    [Fact]
    public async Task Deleting_a_ReplicaSet_with_orphanDependents_keeps_its_pods()
    {
        var result = await RunAsync("orphan");

        Assert.Equal(2, Strings(result["before"]).Length);
        Assert.Equal(Strings(result["before"]), Strings(result["after"]));
    }

    [Fact]
    public async Task Follows_logs_and_reads_them_with_timestamps()
    {
        var result = await RunAsync("logs");

        Assert.Equal("first", (string?)result["first"]);
        Assert.True((int)result["ticks"]! >= 5);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z tick-\d+\n$", (string?)result["stamped"]);
    }

    [Fact]
    public async Task Exec_returns_output_and_the_exit_code_in_its_Status()
    {
        var result = await RunAsync("exec");

        Assert.Equal("out\n", (string?)result["stdout"]);
        Assert.Equal("err\n", (string?)result["stderr"]);
        Assert.Equal("Failure", (string?)result["status"]);
        Assert.Equal("NonZeroExitCode", (string?)result["reason"]);
    }
}
