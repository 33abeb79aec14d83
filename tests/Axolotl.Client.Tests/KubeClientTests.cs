using System.Net;
using System.Text.Json.Nodes;
using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.Testing;

namespace Axolotl.Client.Tests;

public class KubeClientTests
{
    private readonly FakeHttpHandler _http = new();

    [Fact]
    public async Task Get_calls_the_core_path_with_the_bearer_token_and_decodes_the_object()
    {
        HttpRequestMessage? seen = null;
        _http.Enqueue(HttpMethod.Get, "/api/v1/namespaces/default/configmaps/app", r => FakeHttpHandler.Json(TestObjects.ConfigMap("app", "7")));
        using var client = KubeClient.Create(new Uri("https://api.test:6443"), new CapturingHandler(_http, r => seen = r), "secret-token");

        var cm = await client.GetAsync<ConfigMap>("default", "app", CancellationToken.None);

        Assert.Equal("app", cm.Metadata.Name);
        Assert.Equal("7", cm.Metadata.ResourceVersion);
        Assert.Equal("Bearer secret-token", seen!.Headers.Authorization!.ToString());
    }

    [Fact]
    public async Task Group_resources_use_the_apis_prefix()
    {
        _http.Enqueue(HttpMethod.Get, "/apis/apps/v1/namespaces/prod/deployments/web", _ => FakeHttpHandler.JsonText("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"prod"}}"""));
        using var client = TestObjects.Client(_http);

        var deployment = await client.GetAsync<Deployment>("prod", "web", CancellationToken.None);

        Assert.Equal("web", deployment.Metadata.Name);
    }

    [Fact]
    public async Task A_status_error_becomes_a_KubeApiException_with_the_decoded_status()
    {
        _http.Enqueue(HttpMethod.Get, "/api/v1/namespaces/default/configmaps/nope", FakeHttpHandler.Status(404, "NotFound", "configmaps \"nope\" not found"));
        using var client = TestObjects.Client(_http);

        var e = await Assert.ThrowsAsync<KubeApiException>(() => client.GetAsync<ConfigMap>("default", "nope", CancellationToken.None));

        Assert.True(e.IsNotFound);
        Assert.Equal("NotFound", e.Reason);
        Assert.Equal("configmaps \"nope\" not found", e.Message);
    }

    [Fact]
    public async Task An_error_without_a_status_body_gets_a_status_built_from_the_http_code()
    {
        _http.Enqueue(HttpMethod.Get, "/api/v1/namespaces/default/configmaps/x", new HttpResponseMessage(HttpStatusCode.Conflict) { Content = new StringContent("busy") });
        using var client = TestObjects.Client(_http);

        var e = await Assert.ThrowsAsync<KubeApiException>(() => client.GetAsync<ConfigMap>("default", "x", CancellationToken.None));

        Assert.Equal(409, e.Code);
        Assert.Equal("Conflict", e.Reason);
        Assert.True(e.IsConflict);
        Assert.Equal("busy", e.Message);
    }

    [Fact]
    public async Task TryGet_returns_null_for_a_missing_object()
    {
        _http.Enqueue(HttpMethod.Get, "/api/v1/namespaces/default/configmaps/nope", FakeHttpHandler.Status(404, "NotFound", "gone"));
        using var client = TestObjects.Client(_http);

        Assert.Null(await client.Resource<ConfigMap>().TryGetAsync("default", "nope", CancellationToken.None));
    }

    [Fact]
    public async Task List_sends_selectors_and_paging_and_returns_items_with_the_list_resource_version()
    {
        _http.Enqueue(HttpMethod.Get, "/api/v1/namespaces/default/configmaps", _ => FakeHttpHandler.JsonText(
            """{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"42","continue":"next-page"},"items":[{"metadata":{"name":"a"}},{"metadata":{"name":"b"}}]}"""));
        using var client = TestObjects.Client(_http);

        var list = await client.ListAsync<ConfigMap>("default", new ListOptions { LabelSelector = "app in (web,api)", FieldSelector = "metadata.name!=c", Limit = 2 }, CancellationToken.None);

        Assert.Equal(["a", "b"], list.Items.Select(i => i.Metadata.Name));
        Assert.Equal("42", list.ResourceVersion);
        Assert.Equal("next-page", list.Continue);
        Assert.All(list.Items, i => Assert.Equal(("v1", "ConfigMap"), (i.ApiVersion, i.Kind)));
        var query = _http.Requests.Single().Query;
        Assert.Equal("app in (web,api)", query["labelSelector"]);
        Assert.Equal("metadata.name!=c", query["fieldSelector"]);
        Assert.Equal("2", query["limit"]);
    }

    [Fact]
    public async Task ListAll_follows_continue_tokens_and_keeps_the_first_resource_version()
    {
        _http.Enqueue(HttpMethod.Get, "/api/v1/configmaps", FakeHttpHandler.JsonText("""{"metadata":{"resourceVersion":"10","continue":"t1"},"items":[{"metadata":{"name":"a"}}]}"""));
        _http.Enqueue(HttpMethod.Get, "/api/v1/configmaps", FakeHttpHandler.JsonText("""{"metadata":{"resourceVersion":"10"},"items":[{"metadata":{"name":"b"}}]}"""));
        using var client = TestObjects.Client(_http);

        var list = await client.Resource<ConfigMap>().ListAllAsync(null, new ListOptions { Limit = 1 }, CancellationToken.None);

        Assert.Equal(["a", "b"], list.Items.Select(i => i.Metadata.Name));
        Assert.Equal("10", list.ResourceVersion);
        Assert.Equal("t1", _http.Requests[1].Query["continue"]);
    }

    [Fact]
    public async Task Create_posts_to_the_collection_and_fills_in_apiVersion_and_kind()
    {
        _http.Enqueue(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", r => FakeHttpHandler.JsonText(r.Body!, HttpStatusCode.Created));
        using var client = TestObjects.Client(_http);
        var cm = new ConfigMap { Metadata = new() { Name = "new", Namespace = "default" } };

        await client.CreateAsync(cm, CancellationToken.None);

        var body = _http.Requests.Single().Json!;
        Assert.Equal("v1", body["apiVersion"]!.GetValue<string>());
        Assert.Equal("ConfigMap", body["kind"]!.GetValue<string>());
        Assert.Null(cm.Kind);
    }

    [Fact]
    public async Task Create_of_a_namespaced_object_without_a_namespace_is_refused_before_any_request()
    {
        using var client = TestObjects.Client(_http);

        await Assert.ThrowsAsync<ArgumentException>(() => client.CreateAsync(new ConfigMap { Metadata = new() { Name = "x" } }, CancellationToken.None));
        Assert.Empty(_http.Requests);
    }

    [Fact]
    public async Task UpdateStatus_puts_to_the_status_subresource()
    {
        _http.Enqueue(HttpMethod.Put, "/apis/apps/v1/namespaces/default/replicasets/rs/status", r => FakeHttpHandler.JsonText(r.Body!));
        using var client = TestObjects.Client(_http);

        await client.UpdateStatusAsync(new ReplicaSet { Metadata = new() { Name = "rs", Namespace = "default", ResourceVersion = "5" } }, CancellationToken.None);

        Assert.Equal("5", _http.Requests.Single().Json!["metadata"]!["resourceVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task Patch_sends_the_content_type_of_the_patch_format()
    {
        _http.Enqueue(HttpMethod.Patch, "/api/v1/nodes/n1", _ => FakeHttpHandler.JsonText("""{"metadata":{"name":"n1"}}"""));
        using var client = TestObjects.Client(_http);

        await client.PatchAsync<Node>(null, "n1", PatchType.StrategicMerge, """{"spec":{"unschedulable":true}}""", CancellationToken.None);

        var request = _http.Requests.Single();
        Assert.Equal("application/strategic-merge-patch+json", request.ContentType);
        Assert.Equal("""{"spec":{"unschedulable":true}}""", request.Body);
    }

    [Fact]
    public async Task Delete_sends_delete_options_and_returns_null_when_the_server_answers_with_a_status()
    {
        _http.Enqueue(HttpMethod.Delete, "/api/v1/namespaces/default/configmaps/app",
            FakeHttpHandler.JsonText("""{"kind":"Status","apiVersion":"v1","status":"Success","details":{"name":"app","uid":"u1"}}"""));
        using var client = TestObjects.Client(_http);

        var result = await client.DeleteAsync<ConfigMap>("default", "app", new DeleteOptions
        {
            PropagationPolicy = PropagationPolicy.Foreground,
            Preconditions = new Preconditions { Uid = "u1", ResourceVersion = "9" },
            GracePeriodSeconds = 5,
        }, CancellationToken.None);

        Assert.Null(result);
        var body = _http.Requests.Single().Json!;
        Assert.Equal("DeleteOptions", body["kind"]!.GetValue<string>());
        Assert.Equal("Foreground", body["propagationPolicy"]!.GetValue<string>());
        Assert.Equal("u1", body["preconditions"]!["uid"]!.GetValue<string>());
        Assert.Equal("9", body["preconditions"]!["resourceVersion"]!.GetValue<string>());
        Assert.Equal(5, body["gracePeriodSeconds"]!.GetValue<int>());
    }

    [Fact]
    public async Task Delete_returns_the_object_while_it_still_exists_with_a_deletion_timestamp()
    {
        _http.Enqueue(HttpMethod.Delete, "/api/v1/namespaces/default/pods/p",
            FakeHttpHandler.JsonText("""{"kind":"Pod","apiVersion":"v1","metadata":{"name":"p","deletionTimestamp":"2025-01-01T00:00:30Z"}}"""));
        using var client = TestObjects.Client(_http);

        var pod = await client.DeleteAsync<Pod>("default", "p", null, CancellationToken.None);

        Assert.NotNull(pod!.Metadata.DeletionTimestamp);
    }

    [Fact]
    public async Task Raw_operations_work_on_json_for_any_resource_and_reach_subresources()
    {
        _http.Enqueue(HttpMethod.Put, "/api/v1/namespaces/team/finalize", r => FakeHttpHandler.JsonText(r.Body!));
        using var client = TestObjects.Client(_http);
        var ns = JsonNode.Parse("""{"metadata":{"name":"team"},"spec":{"finalizers":[]}}""")!.AsObject();

        var result = await client.Raw(KnownResources.Namespaces).UpdateSubresourceAsync(ns, "finalize", CancellationToken.None);

        Assert.Equal("Namespace", result["kind"]!.GetValue<string>());
        Assert.Equal("team", result["metadata"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Watch_streams_events_line_by_line_including_bookmarks_and_errors()
    {
        var stream = new WatchStream();
        _http.Enqueue(HttpMethod.Get, "/api/v1/namespaces/default/configmaps", _ => FakeHttpHandler.Watch(stream));
        using var client = TestObjects.Client(_http);
        stream.Send("ADDED", TestObjects.Bare("a", "11"));
        stream.Send("MODIFIED", TestObjects.Bare("a", "12"));
        stream.SendRaw("""{"type":"BOOKMARK","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"resourceVersion":"15"}}}""" + "\n");
        stream.Send("DELETED", TestObjects.Bare("a", "16"));
        stream.SendExpired();
        stream.Complete();

        var events = new List<WatchEvent<ConfigMap>>();
        await foreach (var e in client.WatchAsync<ConfigMap>("default", new ListOptions { ResourceVersion = "10", AllowWatchBookmarks = true, TimeoutSeconds = 300 }, CancellationToken.None))
        {
            events.Add(e);
        }

        Assert.Equal([WatchEventType.Added, WatchEventType.Modified, WatchEventType.Bookmark, WatchEventType.Deleted, WatchEventType.Error], events.Select(e => e.Type));
        Assert.Equal("ConfigMap", events[0].Object!.Kind);
        Assert.Equal("15", events[2].Object!.Metadata.ResourceVersion);
        Assert.Equal(410, events[4].Status!.Code);
        var query = _http.Requests.Single().Query;
        Assert.Equal("true", query["watch"]);
        Assert.Equal("10", query["resourceVersion"]);
        Assert.Equal("true", query["allowWatchBookmarks"]);
        Assert.Equal("300", query["timeoutSeconds"]);
    }

    [Fact]
    public async Task A_watch_refused_with_410_throws_a_gone_exception()
    {
        _http.Enqueue(HttpMethod.Get, "/api/v1/pods", FakeHttpHandler.Status(410, "Expired", "too old resource version: 1 (5)"));
        using var client = TestObjects.Client(_http);

        var e = await Assert.ThrowsAsync<KubeApiException>(async () =>
        {
            await foreach (var _ in client.WatchAsync<Pod>(null, new ListOptions { ResourceVersion = "1" }, CancellationToken.None))
            {
            }
        });

        Assert.True(e.IsGone);
    }

    [Fact]
    public void Paths_escape_names_and_leave_out_the_namespace_of_cluster_scoped_resources()
    {
        using var client = TestObjects.Client(_http);

        Assert.Equal("/api/v1/nodes/n1/status", client.Resource<Node>().Path("ignored", "n1", "status"));
        Assert.Equal("/api/v1/namespaces/a%20b/pods", client.Resource<Pod>().Path("a b", null));
        Assert.Equal("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n1",
            client.Resource<Axolotl.Api.Coordination.Lease>().Path("kube-node-lease", "n1"));
    }

    private sealed class CapturingHandler(HttpMessageHandler inner, Action<HttpRequestMessage> capture) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            capture(request);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
