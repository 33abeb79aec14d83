using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.Api.Selectors;
using Axolotl.ApiServer.Registry;
using Axolotl.ApiServer.Rest;
using Axolotl.Testing;

namespace Axolotl.ApiServer.Tests.Rest;

/// <summary>
/// A node's pod list (<c>fieldSelector=spec.nodeName=X</c>) skips the pods whose stored bytes cannot match before
/// decoding them: the answer stays what the full decode gave, for bound, unbound and look-alike pods.
/// </summary>
[Trait("Category", "Integration")]
public sealed class NodePodListTests
{
    [Fact]
    public async Task A_nodes_pod_list_holds_exactly_the_pods_bound_to_it()
    {
        await using var cluster = await InProcessCluster.StartAsync();
        using var http = cluster.CreateHttpClient();
        await CreateAsync(http, Pod("on-n1", "n1"));
        await CreateAsync(http, Pod("on-n10", "n10"));
        await CreateAsync(http, Pod("unbound", null));
        // The node's name in the object's bytes, but not as its spec.nodeName: decoded, then left out.
        await CreateAsync(http, Pod("mentions-n1", "n2", annotation: "n1"));

        Assert.Equal(["on-n1"], await NamesAsync(http, "spec.nodeName%3Dn1"));
        Assert.Equal(["on-n10"], await NamesAsync(http, "spec.nodeName%3Dn10"));
        Assert.Equal(["unbound"], await NamesAsync(http, "spec.nodeName%3D"));
        Assert.Equal(["mentions-n1", "on-n10", "unbound"], await NamesAsync(http, "spec.nodeName!%3Dn1"));
        Assert.Empty(await NamesAsync(http, "spec.nodeName%3Dn3"));
    }

    [Fact]
    public async Task The_prefilter_passes_a_stored_pod_of_its_node_and_only_such_pods()
    {
        await using var cluster = await InProcessCluster.StartAsync();
        using var http = cluster.CreateHttpClient();
        await CreateAsync(http, Pod("on-n1", "n1"));
        await CreateAsync(http, Pod("on-n10", "n10"));
        await CreateAsync(http, Pod("unbound", null));
        var stored = (await cluster.Store.ListAsync(ObjectStore.Prefix(KnownResources.Pods, "default"), 0, null, CancellationToken.None)).Items
            .ToDictionary(e => e.Key[(e.Key.LastIndexOf('/') + 1)..], e => e.Value);

        var n1 = StoredBytesPrefilter.For(KnownResources.Pods, FieldSelector.Parse("spec.nodeName=n1"))!;
        Assert.True(n1.MayMatch(stored["on-n1"].Span));
        Assert.False(n1.MayMatch(stored["on-n10"].Span));
        Assert.False(n1.MayMatch(stored["unbound"].Span));
        // Selections the bytes cannot decide get no prefilter: every pod is decoded.
        Assert.Null(StoredBytesPrefilter.For(KnownResources.Pods, FieldSelector.Parse("spec.nodeName=")));
        Assert.Null(StoredBytesPrefilter.For(KnownResources.Pods, FieldSelector.Parse("spec.nodeName!=n1")));
        Assert.Null(StoredBytesPrefilter.For(KnownResources.Pods, FieldSelector.Parse("status.phase=Running")));
    }

    [Fact]
    public async Task A_nodes_pod_watch_served_from_the_store_sees_its_pods_come_change_and_go()
    {
        // Without the watch cache every watch is the store's: the prefilter skips other nodes' pods undecoded,
        // and must still let a pod that leaves the node through as DELETED.
        await using var cluster = await InProcessCluster.StartAsync(o => o with { WatchCache = new Axolotl.ApiServer.Watch.Cache.WatchCacheOptions { Enabled = false } });
        using var http = cluster.CreateHttpClient();
        await CreateAsync(http, Pod("before", "n1"));
        var list = JsonNode.Parse(await http.GetStringAsync("/api/v1/namespaces/default/pods"))!;
        var rv = (string)list["metadata"]!["resourceVersion"]!;
        await using var watch = await WatchStream.OpenAsync(http, $"/api/v1/namespaces/default/pods?watch=true&resourceVersion={rv}&fieldSelector=spec.nodeName%3Dn1");

        await CreateAsync(http, Pod("elsewhere", "n2"));
        await CreateAsync(http, Pod("pending", null));
        using (var binding = new StringContent("""{"apiVersion":"v1","kind":"Binding","metadata":{"name":"pending"},"target":{"kind":"Node","name":"n1"}}""",
            System.Text.Encoding.UTF8, "application/json"))
        {
            using var bound = await http.PostAsync("/api/v1/namespaces/default/pods/pending/binding", binding);
            Assert.Equal(201, (int)bound.StatusCode);
        }
        using (await http.DeleteAsync("/api/v1/namespaces/default/pods/elsewhere?gracePeriodSeconds=0"))
        using (await http.DeleteAsync("/api/v1/namespaces/default/pods/before?gracePeriodSeconds=0"))
        {
        }

        var seen = new List<(string, string)>();
        while (seen.Count < 2 || seen[^1] != ("DELETED", "before"))
        {
            var e = await watch.NextAsync(TimeSpan.FromSeconds(30));
            seen.Add((e.Type, e.Name ?? ""));
        }
        Assert.Equal(("ADDED", "pending"), seen[0]);
        Assert.DoesNotContain(seen, s => s.Item2 == "elsewhere");
        Assert.All(seen.Skip(1).SkipLast(1), s => Assert.Equal("MODIFIED", s.Item1));
    }

    private static string Pod(string name, string? node, string? annotation = null)
    {
        var pod = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = name },
            ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "c", ["image"] = "busybox" }) },
        };
        if (node is not null)
        {
            pod["spec"]!["nodeName"] = node;
        }
        if (annotation is not null)
        {
            pod["metadata"]!["annotations"] = new JsonObject { ["nodeName"] = annotation };
        }
        return pod.ToJsonString();
    }

    private static async Task CreateAsync(HttpClient http, string json)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("/api/v1/namespaces/default/pods", content);
        Assert.True((int)response.StatusCode == 201, await response.Content.ReadAsStringAsync());
    }

    private static async Task<List<string>> NamesAsync(HttpClient http, string fieldSelector)
    {
        var text = await http.GetStringAsync($"/api/v1/namespaces/default/pods?fieldSelector={fieldSelector}");
        return [.. JsonNode.Parse(text)!["items"]!.AsArray().Select(i => (string)i!["metadata"]!["name"]!).Order(StringComparer.Ordinal)];
    }
}
