using System.Text;
using System.Text.Json.Nodes;
using Axolotl.Testing;

namespace Axolotl.ApiServer.Tests.Rest;

/// <summary>
/// A list the client did not page is read from the store in pages of 1,000 at one revision: it still holds every
/// object, in key order, at the first page's revision, with no continue token, and selectors apply across pages; a
/// watch's synthetic initial events, read the same way, hold each selected object once.
/// </summary>
[Trait("Category", "Integration")]
public sealed class UnpagedListTests
{
    private const int Count = 2_150;

    [Fact]
    public async Task An_unpaged_list_longer_than_the_store_page_holds_every_object_once_in_key_order()
    {
        await using var cluster = await InProcessCluster.StartAsync();
        using var http = cluster.CreateHttpClient();
        var expected = new List<string>();
        foreach (var batch in Enumerable.Range(0, Count).Chunk(50))
        {
            await Task.WhenAll(batch.Select(i => CreateAsync(http, i)));
        }
        expected.AddRange(Enumerable.Range(0, Count).Select(Name).Order(StringComparer.Ordinal));

        var all = await ListAsync(http, "/api/v1/namespaces/default/configmaps?labelSelector=bench%3Dlist");
        Assert.Equal(expected, Names(all));
        Assert.Null(all["metadata"]!["continue"]);
        Assert.Null(all["metadata"]!["remainingItemCount"]);

        // The same objects as a client pages them, and the selector applied on every page.
        var odd = await ListAsync(http, "/api/v1/namespaces/default/configmaps?labelSelector=parity%3Dodd");
        Assert.Equal(expected.Where(n => int.Parse(n[3..], System.Globalization.CultureInfo.InvariantCulture) % 2 == 1), Names(odd));
        var paged = await ListAsync(http, "/api/v1/namespaces/default/configmaps?labelSelector=bench%3Dlist&limit=700");
        Assert.Equal(700, Names(paged).Count);
        Assert.Equal(Count - 700, (long)paged["metadata"]!["remainingItemCount"]!);
    }

    [Fact]
    public async Task An_object_written_during_an_unpaged_list_is_not_in_it()
    {
        await using var cluster = await InProcessCluster.StartAsync();
        using var http = cluster.CreateHttpClient();
        foreach (var batch in Enumerable.Range(0, Count).Chunk(50))
        {
            await Task.WhenAll(batch.Select(i => CreateAsync(http, i)));
        }
        var first = await ListAsync(http, "/api/v1/namespaces/default/configmaps?limit=1");
        var revision = (string)first["metadata"]!["resourceVersion"]!;
        // Written after that revision, and its key sorts after the first store page: an exact list must not see it.
        await CreateAsync(http, 99_999);

        var exact = await ListAsync(http, $"/api/v1/namespaces/default/configmaps?resourceVersion={revision}&resourceVersionMatch=Exact");
        Assert.Equal(Count, Names(exact).Count);
        Assert.DoesNotContain(Name(99_999), Names(exact));
        Assert.Equal(revision, (string)exact["metadata"]!["resourceVersion"]!);
    }

    [Fact]
    public async Task A_watchs_initial_events_over_more_objects_than_a_store_page_are_each_selected_object_once_in_order()
    {
        await using var cluster = await InProcessCluster.StartAsync();
        using var http = cluster.CreateHttpClient();
        foreach (var batch in Enumerable.Range(0, Count).Chunk(50))
        {
            await Task.WhenAll(batch.Select(i => CreateAsync(http, i)));
        }

        // resourceVersion=0: the current state as synthetic ADDED events, read from the store a page at a time.
        using var response = await http.GetAsync("/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=0&labelSelector=parity%3Dodd&timeoutSeconds=2");
        var events = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        var added = events.Where(e => (string)e["type"]! == "ADDED").Select(e => (string)e["object"]!["metadata"]!["name"]!).ToList();
        Assert.Equal(Enumerable.Range(0, Count).Where(i => i % 2 == 1).Select(Name).Order(StringComparer.Ordinal), added);
    }

    private static string Name(int i) => $"cm-{i:D5}";

    private static async Task CreateAsync(HttpClient http, int i)
    {
        var body = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject { ["name"] = Name(i), ["labels"] = new JsonObject { ["bench"] = "list", ["parity"] = i % 2 == 0 ? "even" : "odd" } },
            ["data"] = new JsonObject { ["k"] = "v" },
        }.ToJsonString();
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("/api/v1/namespaces/default/configmaps", content);
        Assert.True((int)response.StatusCode == 201, await response.Content.ReadAsStringAsync());
    }

    private static async Task<JsonObject> ListAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonNode.Parse(text)!.AsObject();
    }

    private static List<string> Names(JsonObject list) =>
        [.. list["items"]!.AsArray().Select(i => (string)i!["metadata"]!["name"]!)];
}
