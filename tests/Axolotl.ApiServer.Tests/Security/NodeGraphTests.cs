using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Registry;
using Axolotl.ApiServer.Security;
using Axolotl.ApiServer.Watch.Cache;

namespace Axolotl.ApiServer.Tests.Security;

/// <summary>
/// The node authorizer's relationships through the pod watch cache's index by spec.nodeName: a node's read of an object its
/// pod uses reads that node's pods only, not the namespace's; what the index has not seen yet is answered from the store.
/// </summary>
public sealed class NodeGraphTests : Watch.PodIndexTestBase
{
    [Fact]
    public async Task A_nodes_read_is_answered_from_its_own_pods_without_listing_the_namespace()
    {
        for (var i = 0; i < 50; i++)
        {
            await CreatePodAsync($"other-{i}", "node-b", $"secret-{i}");
        }
        await CreatePodAsync("mine", "node-a", "mounted");
        var graph = await GraphWithIndexAsync();
        var listedBefore = Store.Listed.Count;

        Assert.True(await graph.HasRelationshipAsync("node-a", "secrets", "apps", "mounted", CancellationToken.None));

        Assert.Equal(listedBefore, Store.Listed.Count);
    }

    [Fact]
    public async Task A_pod_the_index_has_not_seen_yet_is_found_in_the_store_and_no_relationship_is_invented()
    {
        var graph = await GraphWithIndexAsync();
        // Written behind the cache's back (its store watch may not have delivered it yet): only the store knows.
        await CreatePodAsync("just-bound", "node-a", "fresh");

        Assert.True(await graph.HasRelationshipAsync("node-a", "secrets", "apps", "fresh", CancellationToken.None));
        Assert.False(await graph.HasRelationshipAsync("node-b", "secrets", "apps", "fresh", CancellationToken.None));
        Assert.False(await graph.HasRelationshipAsync("node-a", "secrets", "apps", "never-mounted", CancellationToken.None));
    }

    [Fact]
    public async Task A_pod_that_moved_or_went_away_no_longer_relates_its_old_node()
    {
        await CreatePodAsync("moving", "node-a", "moved");
        var graph = await GraphWithIndexAsync();
        Assert.True(await graph.HasRelationshipAsync("node-a", "secrets", "apps", "moved", CancellationToken.None));

        var stored = await Objects.GetRequiredAsync(KnownResources.Pods, "apps", "moving", CancellationToken.None);
        await Objects.DeleteAsync(KnownResources.Pods, "apps", "moving", stored.Revision, CancellationToken.None);

        Assert.False(await graph.HasRelationshipAsync("node-a", "secrets", "apps", "moved", CancellationToken.None));
    }

    private async Task<NodeGraph> GraphWithIndexAsync()
    {
        var caches = NewCaches();
        var graph = new NodeGraph(Objects);
        graph.UsePodIndex(caches);
        // The cache starts on first use: start it now and let it replay what the store holds, as a running server's has.
        var cache = await caches.ForAsync(KnownResources.Pods, CancellationToken.None);
        Assert.NotNull(cache);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (cache.Revision < Store.CurrentRevision)
        {
            await Task.Delay(10, deadline.Token);
        }
        return graph;
    }

    private Task CreatePodAsync(string name, string node, string secret) =>
        Objects.CreateAsync(KnownResources.Pods, JsonNode.Parse($$$"""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{name}}}","namespace":"apps"},
             "spec":{"nodeName":"{{{node}}}","containers":[{"name":"c","image":"busybox"}],"volumes":[{"name":"s","secret":{"secretName":"{{{secret}}}"}}]}}
            """)!.AsObject(), CancellationToken.None);
}
