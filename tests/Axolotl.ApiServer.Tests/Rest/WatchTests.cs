using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Tests.Rest;

[Trait("Category", "Integration")]
public sealed class WatchTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Watch_from_zero_starts_with_a_synthetic_ADDED_per_object_then_streams_changes()
    {
        var ns = await api.CreateNamespaceAsync("watch-1");
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiFixture.ConfigMap("existing"));
        await using var watch = await WatchStream.OpenAsync(api.Http, $"/api/v1/namespaces/{ns}/configmaps?watch=true&resourceVersion=0");
        var first = await watch.NextAsync(Deadline);
        Assert.Equal(("ADDED", "existing"), (first.Type, first.Name));

        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiFixture.ConfigMap("new"));
        await api.PatchAsync($"/api/v1/namespaces/{ns}/configmaps/new", """{"data":{"k":"w"}}""", "application/merge-patch+json");
        await api.DeleteAsync($"/api/v1/namespaces/{ns}/configmaps/new");
        Assert.Equal(("ADDED", "new"), Pick(await watch.NextAsync(Deadline)));
        Assert.Equal(("MODIFIED", "new"), Pick(await watch.NextAsync(Deadline)));
        Assert.Equal(("DELETED", "new"), Pick(await watch.NextAsync(Deadline)));
    }

    [Fact]
    public async Task Watch_from_a_list_revision_sends_only_later_changes()
    {
        var ns = await api.CreateNamespaceAsync("watch-2");
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiFixture.ConfigMap("before"));
        var (_, list) = await api.GetAsync($"/api/v1/namespaces/{ns}/configmaps");
        var rv = (string)list["metadata"]!["resourceVersion"]!;
        await using var watch = await WatchStream.OpenAsync(api.Http, $"/api/v1/namespaces/{ns}/configmaps?watch=true&resourceVersion={rv}");
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiFixture.ConfigMap("after"));
        Assert.Equal(("ADDED", "after"), Pick(await watch.NextAsync(Deadline)));
    }

    [Fact]
    public async Task A_label_selector_turns_entering_and_leaving_into_ADDED_and_DELETED()
    {
        var ns = await api.CreateNamespaceAsync("watch-3");
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiFixture.ConfigMap("m"));
        await using var watch = await WatchStream.OpenAsync(api.Http, $"/api/v1/namespaces/{ns}/configmaps?watch=true&resourceVersion=0&labelSelector=app%3Dweb");
        await api.PatchAsync($"/api/v1/namespaces/{ns}/configmaps/m", """{"metadata":{"labels":{"app":"web"}}}""", "application/merge-patch+json");
        Assert.Equal(("ADDED", "m"), Pick(await watch.NextAsync(Deadline)));
        await api.PatchAsync($"/api/v1/namespaces/{ns}/configmaps/m", """{"metadata":{"labels":{"app":"db"}}}""", "application/merge-patch+json");
        Assert.Equal(("DELETED", "m"), Pick(await watch.NextAsync(Deadline)));
    }

    [Fact]
    public async Task A_watch_from_a_compacted_revision_gets_a_410_ERROR_event()
    {
        // Events have no watch cache (as kube-apiserver's default): their watch follows the store, and a compacted
        // start is the store's 410. A cached resource's start is judged by the cache's window instead (WatchCacheTests).
        var ns = await api.CreateNamespaceAsync("watch-4");
        for (var i = 0; i < 3; i++)
        {
            await api.PostAsync($"/api/v1/namespaces/{ns}/events", $$"""
                {"apiVersion":"v1","kind":"Event","metadata":{"name":"e{{i}}"},"involvedObject":{"kind":"Pod","name":"p","namespace":"{{ns}}"},
                 "reason":"Started","message":"m","type":"Normal"}
                """);
        }
        await api.Cluster.Store.CompactAsync(api.Cluster.Store.CurrentRevision - 1, CancellationToken.None);
        await using var watch = await WatchStream.OpenAsync(api.Http, $"/api/v1/namespaces/{ns}/events?watch=true&resourceVersion=1");
        var error = await watch.NextAsync(Deadline);
        Assert.Equal("ERROR", error.Type);
        Assert.Equal(410, (int?)error.Object["code"]);
        Assert.Equal("Expired", (string?)error.Object["reason"]);
    }

    [Fact]
    public async Task A_field_selector_on_name_watches_one_object()
    {
        var ns = await api.CreateNamespaceAsync("watch-5");
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiFixture.ConfigMap("one"));
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiFixture.ConfigMap("two"));
        await using var watch = await WatchStream.OpenAsync(api.Http, $"/api/v1/namespaces/{ns}/configmaps?watch=true&resourceVersion=0&fieldSelector=metadata.name%3Dtwo");
        Assert.Equal(("ADDED", "two"), Pick(await watch.NextAsync(Deadline)));
        await api.PatchAsync($"/api/v1/namespaces/{ns}/configmaps/one", """{"data":{"k":"1"}}""", "application/merge-patch+json");
        await api.PatchAsync($"/api/v1/namespaces/{ns}/configmaps/two", """{"data":{"k":"2"}}""", "application/merge-patch+json");
        Assert.Equal(("MODIFIED", "two"), Pick(await watch.NextAsync(Deadline)));
    }

    private static (string, string?) Pick(WatchStream.Event e) => (e.Type, e.Name);
}
