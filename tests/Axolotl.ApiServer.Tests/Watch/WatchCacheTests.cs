using System.Text.Json.Nodes;
using Axolotl.ApiServer.Tests.Rest;
using Axolotl.ApiServer.Watch.Cache;
using Axolotl.Testing;
using WatchStream = Axolotl.ApiServer.Tests.Rest.WatchStream;

namespace Axolotl.ApiServer.Tests.Watch;

/// <summary>
/// Watches served from the watch cache: a watcher that reads slowly reads on from the cache's window
/// where the store's own queue (1,000 events) once cut it off with a 410; only one that falls out of
/// the window gets the 410; a selector's watcher started at a revision learns that an object left
/// its selection from the previous object's attributes.
/// </summary>
[Trait("Category", "Integration")]
public sealed class WatchCacheTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_watcher_that_reads_nothing_while_thousands_of_events_pass_reads_them_all_afterwards()
    {
        await using var cluster = await InProcessCluster.StartAsync();
        using var http = cluster.CreateHttpClient();
        var (_, list) = await SendAsync(http, HttpMethod.Get, "/api/v1/namespaces/default/configmaps");
        var rv = (string)list["metadata"]!["resourceVersion"]!;
        await using var watch = await WatchStream.OpenAsync(http, $"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={rv}");

        // 1,500 events of 8 kB: more than the store's queue, and more than the connection buffers, so
        // the server's writes to this watcher stall while the events pass.
        const int count = 1500;
        var payload = new string('x', 8 * 1024);
        for (var i = 0; i < count; i++)
        {
            var (code, body) = await SendAsync(http, HttpMethod.Post, "/api/v1/namespaces/default/configmaps",
                $$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"slow-{{{i}}}"},"data":{"k":"{{{payload}}}"}}""");
            Assert.True(code == 201, body.ToJsonString());
        }

        for (var i = 0; i < count; i++)
        {
            var e = await watch.NextAsync(Deadline);
            Assert.True(e.Type == "ADDED" && e.Name == $"slow-{i}", $"event {i}: {e.Type} {e.Object.ToJsonString()[..Math.Min(300, e.Object.ToJsonString().Length)]}");
        }
    }

    [Fact]
    public async Task Bookmarks_of_a_quiet_resource_carry_the_stores_progress_and_a_rewatch_from_before_a_compaction_is_served_from_the_window()
    {
        await using var cluster = await InProcessCluster.StartAsync(o => o with
        {
            WatchCache = new WatchCacheOptions { ProgressInterval = TimeSpan.FromMilliseconds(100), BookmarkInterval = TimeSpan.FromMilliseconds(200) },
        });
        using var http = cluster.CreateHttpClient();
        var (_, list) = await SendAsync(http, HttpMethod.Get, "/api/v1/namespaces/default/configmaps");
        var start = long.Parse((string)list["metadata"]!["resourceVersion"]!, System.Globalization.CultureInfo.InvariantCulture);
        await using var quiet = await WatchStream.OpenAsync(http, $"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={start}&allowWatchBookmarks=true");
        // Writes to another resource only: the configmaps' watcher gets no event.
        for (var i = 0; i < 5; i++)
        {
            await SendAsync(http, HttpMethod.Post, "/api/v1/namespaces/default/secrets",
                $$$"""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"elsewhere-{{{i}}}"}}""");
        }
        var written = cluster.Store.CurrentRevision;

        long bookmarked;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        do
        {
            var e = await quiet.NextAsync(Deadline);
            Assert.Equal("BOOKMARK", e.Type);
            bookmarked = long.Parse((string)e.Object["metadata"]!["resourceVersion"]!, System.Globalization.CultureInfo.InvariantCulture);
        }
        while (bookmarked < written && waited.Elapsed < TimeSpan.FromSeconds(10));
        Assert.True(bookmarked >= written, $"bookmarks stayed at {bookmarked} for 10 s while the store moved on to {written}");

        await cluster.Store.CompactAsync(written, CancellationToken.None);
        await using var resumed = await WatchStream.OpenAsync(http, $"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={bookmarked}");
        // From before the compaction too: as upstream's cacher, the cache's window decides, not the store's compaction
        // (the cache has every configmap event since its list). On etcd, which sends the caches no progress, bookmarks
        // stay at the list's revision, and the 410 compaction gave made each node relist each quiet informer.
        await using var old = await WatchStream.OpenAsync(http, $"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={start}");
        await SendAsync(http, HttpMethod.Post, "/api/v1/namespaces/default/configmaps",
            """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"after-compaction"}}""");

        Assert.True(start < cluster.Store.CompactRevision);
        var next = await resumed.NextAsync(Deadline);
        Assert.Equal(("ADDED", "after-compaction"), (next.Type, next.Name));
        var fromOld = await old.NextAsync(Deadline);
        Assert.Equal(("ADDED", "after-compaction"), (fromOld.Type, fromOld.Name));
    }

    [Fact]
    public async Task A_watcher_that_falls_out_of_the_window_gets_410_Gone()
    {
        await using var cluster = await InProcessCluster.StartAsync(o => o with { WatchCache = new WatchCacheOptions { Capacity = 20, Minimum = 1 } });
        using var http = cluster.CreateHttpClient();
        var (_, list) = await SendAsync(http, HttpMethod.Get, "/api/v1/namespaces/default/configmaps");
        var rv = (string)list["metadata"]!["resourceVersion"]!;
        await using var first = await WatchStream.OpenAsync(http, $"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={rv}");
        var payload = new string('x', 64 * 1024);
        for (var i = 0; i < 400; i++)
        {
            await SendAsync(http, HttpMethod.Post, "/api/v1/namespaces/default/configmaps",
                $$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"gone-{{{i}}}"},"data":{"k":"{{{payload}}}"}}""");
        }

        var seen = 0;
        while (true)
        {
            var e = await first.NextAsync(Deadline);
            if (e.Type == "ERROR")
            {
                Assert.Equal(410, (int)e.Object["code"]!);
                Assert.StartsWith("too old resource version", (string)e.Object["message"]!, StringComparison.Ordinal);
                break;
            }
            Assert.True(++seen < 400, "the watcher read every event although the window holds 20 and it read none while 400 × 64 kB passed");
        }
    }

    [Fact]
    public async Task A_watch_that_starts_before_the_window_gets_410_Expired_rather_than_the_stores_history()
    {
        await using var cluster = await InProcessCluster.StartAsync(o => o with { WatchCache = new WatchCacheOptions { Capacity = 20, Minimum = 1 } });
        using var http = cluster.CreateHttpClient();
        await using var warm = await WatchStream.OpenAsync(http, "/api/v1/namespaces/default/configmaps?watch=true");
        var (_, list) = await SendAsync(http, HttpMethod.Get, "/api/v1/namespaces/default/configmaps");
        var rv = (string)list["metadata"]!["resourceVersion"]!;
        for (var i = 0; i < 50; i++)
        {
            await SendAsync(http, HttpMethod.Post, "/api/v1/namespaces/default/configmaps",
                $$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"passed-{{{i}}}"}}""");
        }
        // Once the warm watcher has all 50, so has the cache, whose window (20 events) no longer reaches back to rv.
        for (var i = 0; i < 50; i++)
        {
            await warm.NextAsync(Deadline);
        }

        // The store still holds every revision since rv: only the cache's window decides.
        var (code, gone) = await SendAsync(http, HttpMethod.Get, $"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={rv}&timeoutSeconds=2");

        Assert.Equal(200, code);
        Assert.Equal("ERROR", (string?)gone["type"]);
        Assert.Equal((410, "Expired"), ((int)gone["object"]!["code"]!, (string?)gone["object"]!["reason"]));
        Assert.StartsWith($"too old resource version: {rv} (", (string)gone["object"]!["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_selector_watch_from_a_revision_sees_an_object_leave_its_selection_as_DELETED()
    {
        await using var cluster = await InProcessCluster.StartAsync();
        using var http = cluster.CreateHttpClient();
        await SendAsync(http, HttpMethod.Post, "/api/v1/namespaces/default/configmaps",
            """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"m","labels":{"app":"web"}}}""");
        // A first watch starts the cache; the list after it is a revision the cache holds.
        await using var warm = await WatchStream.OpenAsync(http, "/api/v1/namespaces/default/configmaps?watch=true");
        var (_, list) = await SendAsync(http, HttpMethod.Get, "/api/v1/namespaces/default/configmaps?labelSelector=app%3Dweb");
        var rv = (string)list["metadata"]!["resourceVersion"]!;
        await using var watch = await WatchStream.OpenAsync(http, $"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={rv}&labelSelector=app%3Dweb");

        await SendAsync(http, HttpMethod.Patch, "/api/v1/namespaces/default/configmaps/m", """{"metadata":{"labels":{"app":"db"}}}""", "application/merge-patch+json");
        await SendAsync(http, HttpMethod.Patch, "/api/v1/namespaces/default/configmaps/m", """{"data":{"unseen":"x"}}""", "application/merge-patch+json");
        await SendAsync(http, HttpMethod.Patch, "/api/v1/namespaces/default/configmaps/m", """{"metadata":{"labels":{"app":"web"}}}""", "application/merge-patch+json");
        await SendAsync(http, HttpMethod.Patch, "/api/v1/namespaces/default/configmaps/m", """{"data":{"seen":"y"}}""", "application/merge-patch+json");
        await SendAsync(http, HttpMethod.Delete, "/api/v1/namespaces/default/configmaps/m");

        var types = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            types.Add((await watch.NextAsync(Deadline)).Type);
        }
        Assert.Equal(["DELETED", "ADDED", "MODIFIED", "DELETED"], types);
    }

    [Fact]
    public async Task Watches_of_a_namespace_see_only_that_namespace_from_the_shared_cache()
    {
        await using var cluster = await InProcessCluster.StartAsync();
        using var http = cluster.CreateHttpClient();
        await SendAsync(http, HttpMethod.Post, "/api/v1/namespaces", """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"other"}}""");
        await using var all = await WatchStream.OpenAsync(http, "/api/v1/configmaps?watch=true");
        var (_, list) = await SendAsync(http, HttpMethod.Get, "/api/v1/configmaps");
        var rv = (string)list["metadata"]!["resourceVersion"]!;
        await using var one = await WatchStream.OpenAsync(http, $"/api/v1/namespaces/other/configmaps?watch=true&resourceVersion={rv}");

        await SendAsync(http, HttpMethod.Post, "/api/v1/namespaces/default/configmaps", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"here"}}""");
        await SendAsync(http, HttpMethod.Post, "/api/v1/namespaces/other/configmaps", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"there"}}""");

        var e = await one.NextAsync(Deadline);
        Assert.Equal(("ADDED", "there", "other"), (e.Type, e.Name, (string?)e.Object["metadata"]!["namespace"]));
    }

    [Fact]
    public async Task A_nodes_pod_watch_reads_on_while_more_pods_of_other_nodes_pass_than_the_window_holds()
    {
        // A watch pinned to one node is woken by its node's events only; it must still be moved through the ring
        // while other nodes' pods pass, or the ring lets go of its place and it gets a 410 it does not need.
        await using var cluster = await InProcessCluster.StartAsync(o => o with { WatchCache = new WatchCacheOptions { Capacity = 40, Minimum = 1 } });
        using var http = cluster.CreateHttpClient();
        await using var warm = await WatchStream.OpenAsync(http, "/api/v1/namespaces/default/pods?watch=true");
        var (_, list) = await SendAsync(http, HttpMethod.Get, "/api/v1/namespaces/default/pods");
        var rv = (string)list["metadata"]!["resourceVersion"]!;
        await using var quiet = await WatchStream.OpenAsync(http, $"/api/v1/namespaces/default/pods?watch=true&resourceVersion={rv}&fieldSelector=spec.nodeName%3Dquiet");

        for (var i = 0; i < 300; i++)
        {
            var (code, body) = await SendAsync(http, HttpMethod.Post, "/api/v1/namespaces/default/pods", Pod($"busy-{i}", "busy"));
            Assert.True(code == 201, body.ToJsonString());
        }
        await SendAsync(http, HttpMethod.Post, "/api/v1/namespaces/default/pods", Pod("mine", "quiet"));

        var e = await quiet.NextAsync(Deadline);
        Assert.True((e.Type, e.Name) == ("ADDED", "mine"), $"{e.Type}: {e.Object.ToJsonString()}");
    }

    [Fact]
    public async Task A_nodes_pod_watch_sees_a_pod_bound_to_its_node_as_ADDED_and_nothing_of_other_nodes()
    {
        await using var cluster = await InProcessCluster.StartAsync();
        using var http = cluster.CreateHttpClient();
        await using var warm = await WatchStream.OpenAsync(http, "/api/v1/namespaces/default/pods?watch=true");
        var (_, list) = await SendAsync(http, HttpMethod.Get, "/api/v1/namespaces/default/pods");
        var rv = (string)list["metadata"]!["resourceVersion"]!;
        await using var node = await WatchStream.OpenAsync(http, $"/api/v1/namespaces/default/pods?watch=true&resourceVersion={rv}&fieldSelector=spec.nodeName%3Dn1");

        await SendAsync(http, HttpMethod.Post, "/api/v1/namespaces/default/pods", Pod("elsewhere", "n2"));
        await SendAsync(http, HttpMethod.Post, "/api/v1/namespaces/default/pods", Pod("pending", null));
        var (bound, body) = await SendAsync(http, HttpMethod.Post, "/api/v1/namespaces/default/pods/pending/binding",
            """{"apiVersion":"v1","kind":"Binding","metadata":{"name":"pending"},"target":{"kind":"Node","name":"n1"}}""");
        Assert.True(bound == 201, body.ToJsonString());
        await SendAsync(http, HttpMethod.Patch, "/api/v1/namespaces/default/pods/elsewhere", """{"metadata":{"labels":{"x":"y"}}}""", "application/merge-patch+json");
        await SendAsync(http, HttpMethod.Delete, "/api/v1/namespaces/default/pods/pending?gracePeriodSeconds=0");

        var first = await node.NextAsync(Deadline);
        Assert.Equal(("ADDED", "pending", "n1"), (first.Type, first.Name, (string?)first.Object["spec"]!["nodeName"]));
        // Then only this pod's own events, up to its deletion: nothing of n2's pod in between.
        while (true)
        {
            var e = await node.NextAsync(Deadline);
            Assert.Equal("pending", e.Name);
            if (e.Type == "DELETED")
            {
                break;
            }
            Assert.Equal("MODIFIED", e.Type);
        }
    }

    private static string Pod(string name, string? node)
    {
        var pinned = node is null ? "" : $"\"nodeName\":\"{node}\",";
        return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{" + pinned
            + "\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}";
    }

    private static async Task<(int Code, JsonObject Body)> SendAsync(HttpClient http, HttpMethod method, string path, string? json = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8);
            request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        }
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.StartsWith('{') ? JsonNode.Parse(text)!.AsObject() : new JsonObject { ["raw"] = text });
    }
}
