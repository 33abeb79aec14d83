using System.Text;
using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.Api.Selectors;
using Axolotl.ApiServer.Watch.Cache;
using Axolotl.Storage;
using Axolotl.Storage.Memory;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.ApiServer.Tests.Watch;

/// <summary>
/// A cache started over a store with history (a restarted server's) serves watchers that resume from a revision the
/// store still holds, as every node agent does after a restart, instead of sending them to the store's own watch.
/// </summary>
public sealed class WatchCacheHistoryTests
{
    private static readonly WatchCacheViews Views = new(
        (_, obj) => obj,
        _ => ["spec.nodeName"],
        (obj, field) => field == "spec.nodeName" ? (string?)obj["spec"]?["nodeName"] : null);

    [Fact]
    public async Task A_restarted_cache_serves_a_watcher_resuming_from_a_revision_the_store_still_holds()
    {
        var store = new InMemoryStore();
        for (var i = 0; i < 30; i++)
        {
            await store.CreateAsync($"/pods/default/p-{i}", Pod($"p-{i}", i % 3 == 0 ? "n1" : "n2"), CancellationToken.None);
        }
        var resumeAfter = store.CurrentRevision - 10;
        using var stopping = new CancellationTokenSource();

        var cache = await WatchCache.StartAsync(KnownResources.Pods, store, new WatchCacheOptions(), Views, TimeProvider.System, NullLogger.Instance, stopping.Token);
        var cursor = cache.Open(resumeAfter, FieldSelector.Parse("spec.nodeName=n1"));

        Assert.NotNull(cursor);
        var read = new List<CachedEvent>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (read.Count < 3)
        {
            var batch = new List<CachedEvent>();
            Assert.Equal(CacheRead.Events, await cache.ReadAsync(cursor, batch, deadline.Token));
            read.AddRange(batch);
        }
        // The last ten writes were p-20 … p-29; n1's among them are p-21, p-24 and p-27.
        Assert.Equal(["/pods/default/p-21", "/pods/default/p-24", "/pods/default/p-27"], read.Select(e => e.Key));
        await stopping.CancelAsync();
    }

    [Fact]
    public async Task A_longer_history_than_the_ring_holds_is_replayed_from_its_newest_part()
    {
        var store = new InMemoryStore();
        for (var i = 0; i < 60; i++)
        {
            await store.CreateAsync($"/pods/default/p-{i}", Pod($"p-{i}", "n1"), CancellationToken.None);
        }
        using var stopping = new CancellationTokenSource();

        var options = new WatchCacheOptions { Capacity = 20, Minimum = 1 };
        var cache = await WatchCache.StartAsync(KnownResources.Pods, store, options, Views, TimeProvider.System, NullLogger.Instance, stopping.Token);

        // The last 20 revisions are replayed: a start 10 back is served, one 40 back is not.
        Assert.NotNull(cache.Open(store.CurrentRevision - 10, FieldSelector.Everything));
        Assert.Null(cache.Open(store.CurrentRevision - 40, FieldSelector.Everything));
        await stopping.CancelAsync();
    }

    [Fact]
    public async Task Without_history_to_replay_a_cache_starts_at_the_current_revision()
    {
        var store = new InMemoryStore();
        for (var i = 0; i < 30; i++)
        {
            await store.CreateAsync($"/pods/default/p-{i}", Pod($"p-{i}", "n1"), CancellationToken.None);
        }
        await store.CompactAsync(store.CurrentRevision, CancellationToken.None);
        using var stopping = new CancellationTokenSource();

        var cache = await WatchCache.StartAsync(KnownResources.Pods, store, new WatchCacheOptions(), Views, TimeProvider.System, NullLogger.Instance, stopping.Token);

        Assert.Null(cache.Open(store.CurrentRevision - 10, FieldSelector.Everything));
        Assert.NotNull(cache.Open(store.CurrentRevision, FieldSelector.Everything));
        await stopping.CancelAsync();
    }

    private static ReadOnlyMemory<byte> Pod(string name, string node) => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default" },
        ["spec"] = new JsonObject { ["nodeName"] = node },
    }.ToJsonString());
}
