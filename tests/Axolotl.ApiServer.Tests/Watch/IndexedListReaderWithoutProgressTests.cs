using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.Api.Selectors;
using Axolotl.ApiServer.Watch.Cache;

namespace Axolotl.ApiServer.Tests.Watch;

/// <summary>
/// A node's list from the index on a store whose watches get no progress notifications (etcd, ADR 0032): when the store
/// was last written outside the pods, the pod cache stays behind the store's revision, and the store says whether the
/// pods changed in between instead.
/// </summary>
public sealed class IndexedListReaderWithoutProgressTests() : PodIndexTestBase(storeSendsProgress: false)
{
    private static readonly FieldSelector NodeA = FieldSelector.Parse("spec.nodeName=node-a");

    [Fact]
    public async Task A_quiet_nodes_list_is_served_from_the_index_when_the_store_says_the_pods_did_not_change()
    {
        await CreateBoundPodAsync("apps", "web-1", "node-a");
        await CreateBoundPodAsync("apps", "other", "node-b");
        var reader = await ReaderAsync();
        // Written after every pod, so the pod cache's revision is behind the store's and no pod event will move it.
        await CreateConfigMapAsync("apps", "later");

        var list = await reader.TryListAsync(KnownResources.Pods, "apps", NodeA, null, false, 0, false, CancellationToken.None);

        Assert.NotNull(list);
        Assert.Equal(["/pods/apps/web-1"], list.Items.Select(e => e.Key));
        Assert.Equal(1, reader.Served);
        Assert.True(Store.UnchangedAsked > 0);
    }

    [Fact]
    public async Task A_pod_written_just_before_the_list_is_in_it()
    {
        var reader = await ReaderAsync();
        for (var i = 0; i < 10; i++)
        {
            await CreateBoundPodAsync("apps", $"new-{i}", "node-a");
            await CreateConfigMapAsync("apps", $"after-{i}");

            var list = await reader.TryListAsync(KnownResources.Pods, "apps", NodeA, null, false, 0, false, CancellationToken.None);

            Assert.NotNull(list);
            Assert.Equal(Enumerable.Range(0, i + 1).Select(n => $"/pods/apps/new-{n}").Order(StringComparer.Ordinal), list.Items.Select(e => e.Key));
        }
    }

    private async Task<IndexedListReader> ReaderAsync()
    {
        var caches = NewCaches();
        Assert.NotNull(await caches.ForAsync(KnownResources.Pods, CancellationToken.None));
        // A quiet pod cache never reaches the store's revision here, however long the list waits (without the store's
        // answer it would give up after this); a loaded machine may take long to deliver a pod's own event.
        return new IndexedListReader(caches, Store) { CatchUpWait = TimeSpan.FromSeconds(30) };
    }

    private Task CreateConfigMapAsync(string ns, string name) =>
        Objects.CreateAsync(KnownResources.ConfigMaps, JsonNode.Parse($$$"""
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}"}}
            """)!.AsObject(), CancellationToken.None);
}
