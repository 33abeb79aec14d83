using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Rest;
using Axolotl.ApiServer.Watch.Cache;
using Axolotl.Storage.Memory;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using WatchStream = Axolotl.ApiServer.Tests.Rest.WatchStream;

namespace Axolotl.ApiServer.Tests.Watch;

/// <summary>
/// Events have no watch cache, as kube-apiserver's default: their watches are served from the store, and
/// no ring keeps every Event of the last 75 s for watchers that are not there.
/// </summary>
public sealed class UncachedResourcesTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Both_Event_views_get_no_cache_while_other_resources_do()
    {
        await using var store = new InMemoryStore();
        using var stopping = new CancellationTokenSource();
        var views = new WatchCacheViews(KindViews.ToView, FieldLabels.SupportedBy, FieldLabels.Value);
        var caches = new WatchCaches(store, new WatchCacheOptions(), views, TimeProvider.System, NullLoggerFactory.Instance, stopping.Token);

        Assert.Null(await caches.ForAsync(KnownResources.Events, CancellationToken.None));
        Assert.Null(await caches.ForAsync(KnownResources.EventsV1, CancellationToken.None));
        Assert.NotNull(await caches.ForAsync(KnownResources.ConfigMaps, CancellationToken.None));
        Assert.Equal(1, caches.Count);
        await stopping.CancelAsync();
    }

    [Fact]
    public async Task A_resource_named_uncached_is_not_started_with_the_others()
    {
        await using var store = new InMemoryStore();
        using var stopping = new CancellationTokenSource();
        var views = new WatchCacheViews(KindViews.ToView, FieldLabels.SupportedBy, FieldLabels.Value);
        var options = new WatchCacheOptions { Uncached = new HashSet<string>(StringComparer.Ordinal) { "configmaps" } };
        var caches = new WatchCaches(store, options, views, TimeProvider.System, NullLoggerFactory.Instance, stopping.Token);

        Assert.Null(await caches.ForAsync(KnownResources.ConfigMaps, CancellationToken.None));
        Assert.NotNull(await caches.ForAsync(KnownResources.Events, CancellationToken.None));
        await stopping.CancelAsync();
    }

    [Fact]
    [Trait("Category", "Integration")]
    public async Task An_Event_watch_from_a_revision_is_served_from_the_store_in_both_views()
    {
        await using var cluster = await InProcessCluster.StartAsync();
        using var http = cluster.CreateHttpClient();
        var list = JsonNode.Parse(await http.GetStringAsync("/api/v1/namespaces/default/events"))!;
        var rv = (string)list["metadata"]!["resourceVersion"]!;
        await using var core = await WatchStream.OpenAsync(http, $"/api/v1/namespaces/default/events?watch=true&resourceVersion={rv}");
        await using var v1 = await WatchStream.OpenAsync(http, $"/apis/events.k8s.io/v1/namespaces/default/events?watch=true&resourceVersion={rv}");

        using var content = new StringContent("""
            {"apiVersion":"v1","kind":"Event","metadata":{"name":"e1"},"involvedObject":{"kind":"Pod","name":"p","namespace":"default"},
             "reason":"Started","message":"started","type":"Normal","source":{"component":"test"}}
            """, System.Text.Encoding.UTF8, "application/json");
        using var created = await http.PostAsync("/api/v1/namespaces/default/events", content);
        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);

        var e = await core.NextAsync(Deadline);
        Assert.Equal(("ADDED", "e1", "Started"), (e.Type, e.Name, (string?)e.Object["reason"]));
        var ev1 = await v1.NextAsync(Deadline);
        Assert.Equal(("ADDED", "e1", "Started"), (ev1.Type, ev1.Name, (string?)ev1.Object["reason"]));
        Assert.Equal("events.k8s.io/v1", (string?)ev1.Object["apiVersion"]);
    }
}
