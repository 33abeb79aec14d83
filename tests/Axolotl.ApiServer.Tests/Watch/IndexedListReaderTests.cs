using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.Api.Selectors;
using Axolotl.ApiServer.Registry;
using Axolotl.ApiServer.Watch.Cache;

namespace Axolotl.ApiServer.Tests.Watch;

/// <summary>
/// A node's list of its pods (fieldSelector spec.nodeName=NODE) answered from the pod watch cache's index: only that
/// node's pods are read, and the answer is as exact as the store's (a pod written just before the list is in it, one
/// deleted is not); what the index cannot answer exactly is left to the store.
/// </summary>
public sealed class IndexedListReaderTests : PodIndexTestBase
{
    private static readonly ulong? Consistent = null;
    private static readonly FieldSelector NodeA = FieldSelector.Parse("spec.nodeName=node-a");

    [Fact]
    public async Task A_nodes_list_reads_its_own_pods_and_lists_nothing_but_the_revision()
    {
        for (var i = 0; i < 40; i++)
        {
            await CreateBoundPodAsync("apps", $"other-{i}", "node-b");
        }
        await CreateBoundPodAsync("apps", "web-2", "node-a");
        await CreateBoundPodAsync("apps", "web-1", "node-a");
        await CreateBoundPodAsync("tools", "debug", "node-a");
        var reader = await ReaderAsync();
        var listedBefore = Store.Listed.Count;

        var all = await reader.TryListAsync(KnownResources.Pods, null, NodeA, Consistent, false, 0, false, CancellationToken.None);
        var apps = await reader.TryListAsync(KnownResources.Pods, "apps", NodeA, Consistent, false, 0, false, CancellationToken.None);

        Assert.NotNull(all);
        Assert.Equal(["/pods/apps/web-1", "/pods/apps/web-2", "/pods/tools/debug"], all.Items.Select(e => e.Key));
        Assert.Equal(["/pods/apps/web-1", "/pods/apps/web-2"], apps!.Items.Select(e => e.Key));
        Assert.True(all.Revision >= all.Items.Max(e => e.ModRevision));
        Assert.Null(all.Continue);
        // The consistent read's revision, one key's worth each: nothing that reads the node's neighbours.
        Assert.All(Store.ListedLimits.Skip(listedBefore), limit => Assert.Equal(1, limit));
        Assert.Equal(2, reader.Served);
    }

    [Fact]
    public async Task A_consistent_list_has_a_pod_bound_just_before_it_and_not_one_deleted_just_before_it()
    {
        await CreateBoundPodAsync("apps", "leaving", "node-a");
        var reader = await ReaderAsync();
        for (var i = 0; i < 20; i++)
        {
            // Written behind the cache's back, then listed at once: the list waits for the cache to take both in.
            await CreateBoundPodAsync("apps", $"new-{i}", "node-a");
            if (i == 0)
            {
                var leaving = await Objects.GetRequiredAsync(KnownResources.Pods, "apps", "leaving", CancellationToken.None);
                await Objects.DeleteAsync(KnownResources.Pods, "apps", "leaving", leaving.Revision, CancellationToken.None);
            }
            var list = await reader.TryListAsync(KnownResources.Pods, "apps", NodeA, Consistent, false, 0, false, CancellationToken.None);

            Assert.NotNull(list);
            Assert.Equal(Enumerable.Range(0, i + 1).Select(n => $"/pods/apps/new-{n}").Order(StringComparer.Ordinal), list.Items.Select(e => e.Key));
        }
    }

    [Fact]
    public async Task A_pod_that_moved_to_another_node_leaves_the_first_nodes_list()
    {
        await CreateBoundPodAsync("apps", "mover", "node-a");
        var reader = await ReaderAsync();
        var stored = await Objects.GetRequiredAsync(KnownResources.Pods, "apps", "mover", CancellationToken.None);
        stored.Object["spec"]!["nodeName"] = "node-b";
        await Objects.UpdateAsync(KnownResources.Pods, stored.Object, stored.Revision, CancellationToken.None);

        var list = await reader.TryListAsync(KnownResources.Pods, "apps", NodeA, Consistent, false, 0, false, CancellationToken.None);

        Assert.NotNull(list);
        Assert.Empty(list.Items);
    }

    [Fact]
    public async Task What_the_index_cannot_answer_exactly_is_left_to_theStore()
    {
        await CreateBoundPodAsync("apps", "a-1", "node-a");
        await CreateBoundPodAsync("apps", "a-2", "node-a");
        var reader = await ReaderAsync();

        // A page smaller than the node's pods, a continue, an Exact revision, the unbound pods, and no node at all.
        Assert.Null(await reader.TryListAsync(KnownResources.Pods, "apps", NodeA, Consistent, false, 1, false, CancellationToken.None));
        Assert.Null(await reader.TryListAsync(KnownResources.Pods, "apps", NodeA, Consistent, false, 0, true, CancellationToken.None));
        Assert.Null(await reader.TryListAsync(KnownResources.Pods, "apps", NodeA, (ulong)Store.CurrentRevision, true, 0, false, CancellationToken.None));
        Assert.Null(await reader.TryListAsync(KnownResources.Pods, "apps", FieldSelector.Parse("spec.nodeName="), Consistent, false, 0, false, CancellationToken.None));
        Assert.Null(await reader.TryListAsync(KnownResources.Pods, "apps", FieldSelector.Parse("status.phase=Running"), Consistent, false, 0, false, CancellationToken.None));
        Assert.NotNull(await reader.TryListAsync(KnownResources.Pods, "apps", NodeA, Consistent, false, 2, false, CancellationToken.None));
    }

    private async Task<IndexedListReader> ReaderAsync()
    {
        var caches = NewCaches();
        var cache = await caches.ForAsync(KnownResources.Pods, CancellationToken.None);
        Assert.NotNull(cache);
        // A loaded test machine may take longer than a server's quarter second to deliver an event: these tests ask
        // whether the answer is exact once the cache has caught up, not how fast it does.
        return new IndexedListReader(caches, Store) { CatchUpWait = TimeSpan.FromSeconds(30) };
    }
}
