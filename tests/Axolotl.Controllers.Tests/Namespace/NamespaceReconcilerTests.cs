using Axolotl.Api.Scheme;
using Axolotl.Client;
using Axolotl.Controllers.Namespace;
using Axolotl.Controllers.Runtime;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Controllers.Tests.Namespace;

public sealed class NamespaceReconcilerTests : IDisposable
{
    private const string Terminating = """
        {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team","uid":"ns1","resourceVersion":"40","deletionTimestamp":"2025-01-01T00:00:00Z"},
         "spec":{"finalizers":["kubernetes","other.example/keep"]},"status":{"phase":"Terminating"}}
        """;

    private readonly FakeHttpHandler _http = new();
    private readonly KubeClient _client;
    private readonly NamespaceReconciler _reconciler;
    private readonly NamespaceControllerOptions _options = new()
    {
        Resources = [KnownResources.Pods, KnownResources.ConfigMaps, KnownResources.Deployments],
        ContentPollInterval = TimeSpan.FromSeconds(2),
        DiscoverCustomResources = false,
    };

    public NamespaceReconcilerTests()
    {
        _client = KubeClient.Create(new Uri("https://api.test"), _http);
        _reconciler = new NamespaceReconciler(_client, NullLogger.Instance, _options);
    }

    [Fact]
    public async Task A_terminating_namespace_has_its_content_deleted_and_is_looked_at_again_while_some_remains()
    {
        _http.Enqueue(HttpMethod.Get, "/api/v1/namespaces/team", FakeHttpHandler.JsonText(Terminating));
        _http.Enqueue(HttpMethod.Get, "/api/v1/namespaces/team/pods", FakeHttpHandler.JsonText("""
            {"metadata":{"resourceVersion":"41"},"items":[
              {"metadata":{"name":"p1","namespace":"team","uid":"u1"}},
              {"metadata":{"name":"p2","namespace":"team","uid":"u2","deletionTimestamp":"2025-01-01T00:00:00Z"}}]}
            """));
        _http.Enqueue(HttpMethod.Delete, "/api/v1/namespaces/team/pods/p1",
            FakeHttpHandler.JsonText("""{"kind":"Pod","apiVersion":"v1","metadata":{"name":"p1","deletionTimestamp":"2025-01-01T00:00:30Z"}}"""));
        _http.Enqueue(HttpMethod.Get, "/api/v1/namespaces/team/configmaps", FakeHttpHandler.JsonText("""{"metadata":{},"items":[{"metadata":{"name":"c1","uid":"u3"}}]}"""));
        _http.Enqueue(HttpMethod.Delete, "/api/v1/namespaces/team/configmaps/c1", FakeHttpHandler.JsonText("""{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"c1","uid":"u3"}}"""));
        _http.Enqueue(HttpMethod.Get, "/apis/apps/v1/namespaces/team/deployments", FakeHttpHandler.Status(404, "NotFound", "the server could not find the requested resource"));

        var result = await _reconciler.ReconcileAsync("team", CancellationToken.None);

        // p1 is terminating gracefully and p2 already was; the ConfigMap went at once.
        Assert.Equal(ReconcileResult.RequeueAfter(TimeSpan.FromSeconds(2)), result);
        var deletes = _http.Requests.Where(r => r.Method == HttpMethod.Delete).ToList();
        Assert.Equal(["/api/v1/namespaces/team/pods/p1", "/api/v1/namespaces/team/configmaps/c1"], deletes.Select(d => d.Path));
        Assert.All(deletes, d => Assert.Equal("Background", d.Json!["propagationPolicy"]!.GetValue<string>()));
        Assert.Equal("u1", deletes[0].Json!["preconditions"]!["uid"]!.GetValue<string>());
        Assert.DoesNotContain(_http.Requests, r => r.Method == HttpMethod.Put);
    }

    [Fact]
    public async Task An_empty_terminating_namespace_is_finalized_without_the_kubernetes_finalizer()
    {
        _http.Enqueue(HttpMethod.Get, "/api/v1/namespaces/team", FakeHttpHandler.JsonText(Terminating));
        _http.Enqueue(HttpMethod.Get, "/api/v1/namespaces/team/pods", FakeHttpHandler.JsonText("""{"metadata":{},"items":[]}"""));
        _http.Enqueue(HttpMethod.Get, "/api/v1/namespaces/team/configmaps", FakeHttpHandler.JsonText("""{"metadata":{},"items":[]}"""));
        _http.Enqueue(HttpMethod.Get, "/apis/apps/v1/namespaces/team/deployments", FakeHttpHandler.JsonText("""{"metadata":{},"items":[]}"""));
        _http.Enqueue(HttpMethod.Put, "/api/v1/namespaces/team/finalize", r => FakeHttpHandler.JsonText(r.Body!));

        var result = await _reconciler.ReconcileAsync("team", CancellationToken.None);

        Assert.Equal(ReconcileResult.Done, result);
        var body = _http.Requests.Single(r => r.Method == HttpMethod.Put).Json!;
        Assert.Equal(["other.example/keep"], body["spec"]!["finalizers"]!.AsArray().Select(f => f!.GetValue<string>()));
        Assert.Equal("40", body["metadata"]!["resourceVersion"]!.GetValue<string>());
        Assert.Equal("Terminating", body["status"]!["phase"]!.GetValue<string>());
    }

    [Fact]
    public async Task Content_that_goes_at_once_does_not_delay_finalizing()
    {
        _http.Enqueue(HttpMethod.Get, "/api/v1/namespaces/team", FakeHttpHandler.JsonText(Terminating));
        _http.Enqueue(HttpMethod.Get, "/api/v1/namespaces/team/pods", FakeHttpHandler.JsonText("""{"metadata":{},"items":[]}"""));
        _http.Enqueue(HttpMethod.Get, "/api/v1/namespaces/team/configmaps", FakeHttpHandler.JsonText("""{"metadata":{},"items":[{"metadata":{"name":"c1","uid":"u3"}},{"metadata":{"name":"c2","uid":"u4"}}]}"""));
        _http.Enqueue(HttpMethod.Delete, "/api/v1/namespaces/team/configmaps/c1", FakeHttpHandler.JsonText("""{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"c1","uid":"u3"}}"""));
        _http.Enqueue(HttpMethod.Delete, "/api/v1/namespaces/team/configmaps/c2", FakeHttpHandler.Status(404, "NotFound", "gone"));
        _http.Enqueue(HttpMethod.Get, "/apis/apps/v1/namespaces/team/deployments", FakeHttpHandler.JsonText("""{"metadata":{},"items":[]}"""));
        _http.Enqueue(HttpMethod.Put, "/api/v1/namespaces/team/finalize", r => FakeHttpHandler.JsonText(r.Body!));

        Assert.Equal(ReconcileResult.Done, await _reconciler.ReconcileAsync("team", CancellationToken.None));
        Assert.Single(_http.Requests, r => r.Method == HttpMethod.Put);
    }

    [Theory]
    [InlineData("""{"metadata":{"name":"team"},"spec":{"finalizers":["kubernetes"]}}""")]
    [InlineData("""{"metadata":{"name":"team","deletionTimestamp":"2025-01-01T00:00:00Z"},"spec":{"finalizers":[]}}""")]
    public async Task A_namespace_that_is_not_terminating_or_already_finalized_is_left_alone(string ns)
    {
        _http.Enqueue(HttpMethod.Get, "/api/v1/namespaces/team", FakeHttpHandler.JsonText(ns));

        Assert.Equal(ReconcileResult.Done, await _reconciler.ReconcileAsync("team", CancellationToken.None));
        Assert.Single(_http.Requests);
    }

    [Fact]
    public async Task A_namespace_that_is_gone_needs_nothing()
    {
        _http.Enqueue(HttpMethod.Get, "/api/v1/namespaces/team", FakeHttpHandler.Status(404, "NotFound", "namespaces \"team\" not found"));

        Assert.Equal(ReconcileResult.Done, await _reconciler.ReconcileAsync("team", CancellationToken.None));
    }

    [Fact]
    public void By_default_every_namespaced_storage_is_emptied_once()
    {
        var resources = NamespaceControllerOptions.DefaultResources();

        Assert.All(resources, r => Assert.True(r.Namespaced));
        Assert.Contains(KnownResources.Pods, resources);
        Assert.Contains(KnownResources.Events, resources);
        Assert.DoesNotContain(KnownResources.EventsV1, resources);
        Assert.DoesNotContain(KnownResources.Nodes, resources);
    }

    [Fact]
    public async Task Custom_resources_that_discovery_lists_are_deleted_with_the_namespace()
    {
        using var http = new FakeHttpHandler();
        using var client = KubeClient.Create(new Uri("https://api.test"), http);
        var reconciler = new NamespaceReconciler(client, NullLogger.Instance, _options with { Resources = [KnownResources.ConfigMaps], DiscoverCustomResources = true });
        http.Enqueue(HttpMethod.Get, "/api/v1/namespaces/team", FakeHttpHandler.JsonText(Terminating));
        http.Enqueue(HttpMethod.Get, "/apis", FakeHttpHandler.JsonText("""
            {"kind":"APIGroupList","groups":[{"name":"apps","versions":[{"groupVersion":"apps/v1","version":"v1"}]},
             {"name":"example.com","versions":[{"groupVersion":"example.com/v1","version":"v1"}]}]}
            """));
        http.Enqueue(HttpMethod.Get, "/apis/example.com/v1", FakeHttpHandler.JsonText("""
            {"kind":"APIResourceList","groupVersion":"example.com/v1","resources":[
              {"name":"widgets","singularName":"widget","namespaced":true,"kind":"Widget","verbs":["create","delete","deletecollection","get","list","patch","update","watch"]},
              {"name":"widgets/status","singularName":"","namespaced":true,"kind":"Widget","verbs":["get","patch","update"]},
              {"name":"gadgets","singularName":"gadget","namespaced":false,"kind":"Gadget","verbs":["delete","list"]}]}
            """));
        http.Enqueue(HttpMethod.Get, "/api/v1/namespaces/team/configmaps", FakeHttpHandler.JsonText("""{"metadata":{},"items":[]}"""));
        http.Enqueue(HttpMethod.Get, "/apis/example.com/v1/namespaces/team/widgets", FakeHttpHandler.JsonText("""
            {"metadata":{},"items":[{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w1","namespace":"team","uid":"w-1"}}]}
            """));
        http.Enqueue(HttpMethod.Delete, "/apis/example.com/v1/namespaces/team/widgets/w1", FakeHttpHandler.JsonText("""{"kind":"Status","status":"Success"}"""));

        var result = await reconciler.ReconcileAsync("team", CancellationToken.None);

        Assert.Equal(ReconcileResult.Done, result);
        Assert.Equal("w-1", http.Requests.Single(r => r.Method == HttpMethod.Delete).Json!["preconditions"]!["uid"]!.GetValue<string>());
        // apps/v1 is built in (not asked again); the cluster-scoped gadgets are no namespace's content.
        Assert.DoesNotContain(http.Requests, r => r.Path is "/apis/apps/v1" || r.Path.Contains("gadgets", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_namespace_is_not_finalized_when_discovery_fails()
    {
        using var http = new FakeHttpHandler();
        using var client = KubeClient.Create(new Uri("https://api.test"), http);
        var reconciler = new NamespaceReconciler(client, NullLogger.Instance, _options with { DiscoverCustomResources = true });
        http.Enqueue(HttpMethod.Get, "/api/v1/namespaces/team", FakeHttpHandler.JsonText(Terminating));
        http.Enqueue(HttpMethod.Get, "/apis", FakeHttpHandler.Status(403, "Forbidden", "forbidden"));

        await Assert.ThrowsAsync<KubeApiException>(() => reconciler.ReconcileAsync("team", CancellationToken.None));

        Assert.DoesNotContain(http.Requests, r => r.Method == HttpMethod.Put || r.Method == HttpMethod.Delete);
    }

    public void Dispose() => _client.Dispose();
}
