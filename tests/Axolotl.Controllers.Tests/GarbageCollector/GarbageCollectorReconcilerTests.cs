using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.Client;
using Axolotl.Client.Discovery;
using Axolotl.Controllers.GarbageCollector;
using Axolotl.Controllers.Runtime;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Controllers.Tests.GarbageCollector;

public sealed class GarbageCollectorReconcilerTests : IDisposable
{
    private const string PodPath = "/api/v1/namespaces/default/pods/";
    private const string RsPath = "/apis/apps/v1/namespaces/default/replicasets/";

    private readonly FakeHttpHandler _http = new();
    private readonly OwnerGraph _graph = new();
    private readonly List<string> _enqueued = [];
    private readonly KubeClient _client;
    private readonly GarbageCollectorReconciler _reconciler;

    public GarbageCollectorReconcilerTests()
    {
        _client = KubeClient.Create(new Uri("https://api.test"), _http);
        _reconciler = new GarbageCollectorReconciler(_client, _graph, _enqueued.Add, NullLogger.Instance, [KnownResources.Pods]);
    }

    [Fact]
    public async Task A_pod_owned_by_a_custom_resource_that_is_gone_is_collected()
    {
        var widgets = new ResourceType
        {
            Group = "example.com", Version = "v1", Kind = "Widget", Plural = "widgets", Namespaced = true,
            ClrType = typeof(Unstructured), StorageResource = "example.com/widgets",
        };
        var served = new ServedResources([.. KnownResources.All, widgets]);
        var graph = new OwnerGraph(served);
        var reconciler = new GarbageCollectorReconciler(_client, graph, _enqueued.Add, NullLogger.Instance, [KnownResources.Pods, widgets], served);
        var owner = new OwnerReference { ApiVersion = "example.com/v1", Kind = "Widget", Name = "w1", Uid = "w-1" };
        graph.Observe(Nodes.Pod("p1", owner));
        Assert.Equal("default", graph.Get("w-1")!.Namespace);
        _http.Enqueue(HttpMethod.Get, PodPath + "pod-p1", FakeHttpHandler.Json(Pod("p1", "7", owner)));
        _http.Enqueue(HttpMethod.Get, "/apis/example.com/v1/namespaces/default/widgets/w1", FakeHttpHandler.Status(404, "NotFound", "not found"));
        _http.Enqueue(HttpMethod.Delete, PodPath + "pod-p1", FakeHttpHandler.JsonText("""{"kind":"Status","status":"Success"}"""));

        await reconciler.ReconcileAsync("p1", CancellationToken.None);

        Assert.Single(_http.Requests, r => r.Method == HttpMethod.Delete);
    }

    [Fact]
    public async Task An_owner_of_a_kind_discovery_does_not_list_is_left_alone()
    {
        var owner = new OwnerReference { ApiVersion = "example.com/v1", Kind = "Widget", Name = "w1", Uid = "w-1" };
        _graph.Observe(Nodes.Pod("p1", owner));
        _http.Enqueue(HttpMethod.Get, PodPath + "pod-p1", FakeHttpHandler.Json(Pod("p1", "7", owner)));

        await _reconciler.ReconcileAsync("p1", CancellationToken.None);

        Assert.DoesNotContain(_http.Requests, r => r.Method == HttpMethod.Delete);
    }

    [Fact]
    public async Task A_dependent_whose_owner_is_gone_is_deleted_in_the_background_with_preconditions()
    {
        var owner = Nodes.Ref("rs1", name: "web");
        _graph.Observe(Nodes.Pod("p1", owner));
        _http.Enqueue(HttpMethod.Get, PodPath + "pod-p1", FakeHttpHandler.Json(Pod("p1", "7", owner)));
        _http.Enqueue(HttpMethod.Get, RsPath + "web", FakeHttpHandler.Status(404, "NotFound", "not found"));
        _http.Enqueue(HttpMethod.Delete, PodPath + "pod-p1", FakeHttpHandler.JsonText("""{"kind":"Status","status":"Success"}"""));

        var result = await _reconciler.ReconcileAsync("p1", CancellationToken.None);

        Assert.Equal(ReconcileResult.Done, result);
        var delete = _http.Requests.Single(r => r.Method == HttpMethod.Delete).Json!;
        Assert.Equal("Background", delete["propagationPolicy"]!.GetValue<string>());
        Assert.Equal("p1", delete["preconditions"]!["uid"]!.GetValue<string>());
        Assert.Equal("7", delete["preconditions"]!["resourceVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_owner_name_reused_by_a_new_object_counts_as_gone()
    {
        var owner = Nodes.Ref("rs1", name: "web");
        _graph.Observe(Nodes.Pod("p1", owner));
        _http.Enqueue(HttpMethod.Get, PodPath + "pod-p1", FakeHttpHandler.Json(Pod("p1", "7", owner)));
        _http.Enqueue(HttpMethod.Get, RsPath + "web", FakeHttpHandler.Json(ReplicaSet("rs-new", "web", "3")));
        _http.Enqueue(HttpMethod.Delete, PodPath + "pod-p1", FakeHttpHandler.JsonText("""{"kind":"Status","status":"Success"}"""));

        await _reconciler.ReconcileAsync("p1", CancellationToken.None);

        Assert.Single(_http.Requests, r => r.Method == HttpMethod.Delete);
    }

    [Fact]
    public async Task A_dependent_with_a_live_owner_is_kept()
    {
        var owner = Nodes.Ref("rs1", name: "web");
        _graph.Observe(Nodes.Pod("p1", owner));
        _http.Enqueue(HttpMethod.Get, PodPath + "pod-p1", FakeHttpHandler.Json(Pod("p1", "7", owner)));
        _http.Enqueue(HttpMethod.Get, RsPath + "web", FakeHttpHandler.Json(ReplicaSet("rs1", "web", "3")));

        await _reconciler.ReconcileAsync("p1", CancellationToken.None);

        Assert.All(_http.Requests, r => Assert.Equal(HttpMethod.Get, r.Method));
    }

    [Fact]
    public async Task References_to_gone_owners_are_removed_when_another_owner_lives()
    {
        var live = Nodes.Ref("rs1", name: "web");
        var gone = Nodes.Ref("rs2", name: "old");
        _graph.Observe(Nodes.Pod("p1", live, gone));
        _http.Enqueue(HttpMethod.Get, PodPath + "pod-p1", FakeHttpHandler.Json(Pod("p1", "7", live, gone)));
        _http.Enqueue(HttpMethod.Get, RsPath + "web", FakeHttpHandler.Json(ReplicaSet("rs1", "web", "3")));
        _http.Enqueue(HttpMethod.Get, RsPath + "old", FakeHttpHandler.Status(404, "NotFound", "not found"));
        _http.Enqueue(HttpMethod.Patch, PodPath + "pod-p1", r => FakeHttpHandler.Json(Pod("p1", "8", live)));

        await _reconciler.ReconcileAsync("p1", CancellationToken.None);

        var patch = _http.Requests.Single(r => r.Method == HttpMethod.Patch);
        Assert.Equal("application/merge-patch+json", patch.ContentType);
        var metadata = patch.Json!["metadata"]!;
        Assert.Equal("7", metadata["resourceVersion"]!.GetValue<string>());
        Assert.Equal(["rs1"], metadata["ownerReferences"]!.AsArray().Select(r => r!["uid"]!.GetValue<string>()));
        Assert.DoesNotContain(_http.Requests, r => r.Method == HttpMethod.Delete);
    }

    [Fact]
    public async Task A_foreground_owner_waits_for_blocking_dependents_then_loses_its_finalizer()
    {
        var reference = Nodes.Ref("rs1", name: "web", block: true);
        _graph.Observe(Nodes.Pod("p1", reference));
        _graph.Observe(Nodes.ReplicaSet("rs1") with { Name = "web" });
        _graph.Observe(Nodes.ReplicaSet("rs1").Deleting(Finalizers.DeleteDependents) with { Name = "web" });
        _http.Always(HttpMethod.Get, RsPath + "web", _ => FakeHttpHandler.Json(ReplicaSet("rs1", "web", "9", deleting: true, Finalizers.DeleteDependents, "custom")));

        await _reconciler.ReconcileAsync("rs1", CancellationToken.None);

        Assert.Equal(["p1"], _enqueued);
        Assert.DoesNotContain(_http.Requests, r => r.Method == HttpMethod.Patch);

        Assert.Equal(["rs1"], _graph.ObserveDeleted(Nodes.Pod("p1", reference)));
        _http.Enqueue(HttpMethod.Patch, RsPath + "web", r => FakeHttpHandler.Json(ReplicaSet("rs1", "web", "10")));

        await _reconciler.ReconcileAsync("rs1", CancellationToken.None);

        var metadata = _http.Requests.Single(r => r.Method == HttpMethod.Patch).Json!["metadata"]!;
        Assert.Equal("9", metadata["resourceVersion"]!.GetValue<string>());
        Assert.Equal(["custom"], metadata["finalizers"]!.AsArray().Select(f => f!.GetValue<string>()));
    }

    [Fact]
    public async Task Removing_a_finalizer_retries_a_conflict_with_the_fresh_resource_version()
    {
        _graph.Observe(Nodes.ReplicaSet("rs1").Deleting(Finalizers.DeleteDependents) with { Name = "web" });
        _http.Enqueue(HttpMethod.Get, RsPath + "web", FakeHttpHandler.Json(ReplicaSet("rs1", "web", "9", deleting: true, Finalizers.DeleteDependents)));
        _http.Enqueue(HttpMethod.Patch, RsPath + "web", FakeHttpHandler.Status(409, "Conflict", "the object has been modified"));
        _http.Enqueue(HttpMethod.Get, RsPath + "web", FakeHttpHandler.Json(ReplicaSet("rs1", "web", "11", deleting: true, Finalizers.DeleteDependents)));
        _http.Enqueue(HttpMethod.Patch, RsPath + "web", FakeHttpHandler.Json(ReplicaSet("rs1", "web", "12")));

        await _reconciler.ReconcileAsync("rs1", CancellationToken.None);

        var patches = _http.Requests.Where(r => r.Method == HttpMethod.Patch).Select(r => r.Json!["metadata"]!).ToList();
        Assert.Equal(["9", "11"], patches.Select(m => m["resourceVersion"]!.GetValue<string>()));
        // The last finalizer goes: null removes the field, as upstream sends it.
        Assert.True(patches[1].AsObject().ContainsKey("finalizers"));
        Assert.Null(patches[1]["finalizers"]);
    }

    [Fact]
    public async Task Orphan_deletion_releases_every_dependent_then_removes_the_orphan_finalizer()
    {
        var rs = Nodes.Ref("rs1", name: "web");
        var other = Nodes.Ref("x9", kind: "ReplicationController", name: "keeper");
        _graph.Observe(Nodes.ReplicaSet("rs1") with { Name = "web" });
        _graph.Observe(Nodes.Pod("p1", rs) with { ResourceVersion = "4" });
        _graph.Observe(Nodes.Pod("p2", rs, other) with { ResourceVersion = "5" });
        _graph.Observe(Nodes.ReplicaSet("rs1").Deleting(Finalizers.OrphanDependents) with { Name = "web" });
        _http.Enqueue(HttpMethod.Get, RsPath + "web", FakeHttpHandler.Json(ReplicaSet("rs1", "web", "9", deleting: true, Finalizers.OrphanDependents)));
        _http.Enqueue(HttpMethod.Get, "/api/v1/namespaces/default/pods", FakeHttpHandler.List("PodList", "9", Pod("p1", "4", rs), Pod("p2", "5", rs, other)));
        _http.Enqueue(HttpMethod.Patch, PodPath + "pod-p1", FakeHttpHandler.Json(Pod("p1", "6")));
        _http.Enqueue(HttpMethod.Patch, PodPath + "pod-p2", FakeHttpHandler.Json(Pod("p2", "7", other)));
        _http.Enqueue(HttpMethod.Patch, RsPath + "web", FakeHttpHandler.Json(ReplicaSet("rs1", "web", "10")));

        await _reconciler.ReconcileAsync("rs1", CancellationToken.None);

        var patches = _http.Requests.Where(r => r.Method == HttpMethod.Patch).ToList();
        Assert.Equal(3, patches.Count);
        Assert.Equal([PodPath + "pod-p1", PodPath + "pod-p2"], patches.Take(2).Select(p => p.Path).Order());
        Assert.Null(patches.Single(p => p.Path.EndsWith("pod-p1", StringComparison.Ordinal)).Json!["metadata"]!["ownerReferences"]);
        Assert.Equal(["x9"], patches.Single(p => p.Path.EndsWith("pod-p2", StringComparison.Ordinal)).Json!["metadata"]!["ownerReferences"]!.AsArray().Select(r => r!["uid"]!.GetValue<string>()));
        Assert.Equal(RsPath + "web", patches[^1].Path);
        Assert.DoesNotContain(_http.Requests, r => r.Method == HttpMethod.Delete);
    }

    [Fact]
    public async Task Orphan_deletion_releases_a_dependent_its_informers_have_not_shown_yet()
    {
        var rs = Nodes.Ref("rs1", name: "web");
        _graph.Observe(Nodes.ReplicaSet("rs1").Deleting(Finalizers.OrphanDependents) with { Name = "web" });
        _http.Enqueue(HttpMethod.Get, RsPath + "web", FakeHttpHandler.Json(ReplicaSet("rs1", "web", "9", deleting: true, Finalizers.OrphanDependents)));
        _http.Enqueue(HttpMethod.Get, "/api/v1/namespaces/default/pods", FakeHttpHandler.List("PodList", "9", Pod("p3", "8", rs), Pod("unrelated", "3")));
        _http.Enqueue(HttpMethod.Patch, PodPath + "pod-p3", FakeHttpHandler.Json(Pod("p3", "10")));
        _http.Enqueue(HttpMethod.Patch, RsPath + "web", FakeHttpHandler.Json(ReplicaSet("rs1", "web", "11")));

        await _reconciler.ReconcileAsync("rs1", CancellationToken.None);

        var patches = _http.Requests.Where(r => r.Method == HttpMethod.Patch).ToList();
        Assert.Equal([PodPath + "pod-p3", RsPath + "web"], patches.Select(p => p.Path));
        Assert.Equal("8", patches[0].Json!["metadata"]!["resourceVersion"]!.GetValue<string>());
        Assert.Null(patches[0].Json!["metadata"]!["ownerReferences"]);
    }

    [Fact]
    public async Task A_dependent_of_a_foreground_owner_that_has_dependents_itself_is_deleted_in_the_foreground()
    {
        var deployment = Nodes.Ref("d1", kind: "Deployment", name: "app", block: true);
        _graph.Observe(Nodes.ReplicaSet("rs1", deployment) with { Name = "web" });
        _graph.Observe(Nodes.Pod("p1", Nodes.Ref("rs1", name: "web", block: true)));
        _http.Enqueue(HttpMethod.Get, RsPath + "web", FakeHttpHandler.Json(ReplicaSet("rs1", "web", "4", false, [], deployment)));
        _http.Enqueue(HttpMethod.Get, "/apis/apps/v1/namespaces/default/deployments/app", FakeHttpHandler.JsonText(
            """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"app","namespace":"default","uid":"d1","resourceVersion":"2","deletionTimestamp":"2025-01-01T00:00:00Z","finalizers":["foregroundDeletion"]}}"""));
        _http.Enqueue(HttpMethod.Delete, RsPath + "web", FakeHttpHandler.Json(ReplicaSet("rs1", "web", "5", deleting: true, Finalizers.DeleteDependents)));

        await _reconciler.ReconcileAsync("rs1", CancellationToken.None);

        Assert.Equal("Foreground", _http.Requests.Single(r => r.Method == HttpMethod.Delete).Json!["propagationPolicy"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_virtual_owner_that_does_not_exist_is_dropped_and_its_dependents_are_checked()
    {
        _graph.Observe(Nodes.Pod("p1", Nodes.Ref("rs1", name: "web")));
        _graph.Observe(Nodes.Pod("p2", Nodes.Ref("rs1", name: "web")));
        _http.Enqueue(HttpMethod.Get, RsPath + "web", FakeHttpHandler.Status(404, "NotFound", "not found"));

        var result = await _reconciler.ReconcileAsync("rs1", CancellationToken.None);

        Assert.Equal(ReconcileResult.Done, result);
        Assert.Equal(["p1", "p2"], _enqueued.Order());
        Assert.Null(_graph.Get("rs1"));
    }

    [Fact]
    public async Task A_virtual_owner_that_exists_is_looked_at_again_until_an_informer_shows_it()
    {
        _graph.Observe(Nodes.Pod("p1", Nodes.Ref("rs1", name: "web")));
        _http.Enqueue(HttpMethod.Get, RsPath + "web", FakeHttpHandler.Json(ReplicaSet("rs1", "web", "3")));

        var result = await _reconciler.ReconcileAsync("rs1", CancellationToken.None);

        Assert.Equal(ReconcileResult.Requeue, result);
        Assert.Empty(_enqueued);
        Assert.NotNull(_graph.Get("rs1"));
    }

    [Fact]
    public async Task A_delete_conflict_is_retried_with_the_uid_only_when_the_owners_did_not_change()
    {
        var owner = Nodes.Ref("rs1", name: "web");
        _graph.Observe(Nodes.Pod("p1", owner));
        _http.Enqueue(HttpMethod.Get, PodPath + "pod-p1", FakeHttpHandler.Json(Pod("p1", "7", owner)));
        _http.Enqueue(HttpMethod.Get, RsPath + "web", FakeHttpHandler.Status(404, "NotFound", "not found"));
        _http.Enqueue(HttpMethod.Delete, PodPath + "pod-p1", FakeHttpHandler.Status(409, "Conflict", "resourceVersion changed"));
        _http.Enqueue(HttpMethod.Get, PodPath + "pod-p1", FakeHttpHandler.Json(Pod("p1", "8", owner)));
        _http.Enqueue(HttpMethod.Delete, PodPath + "pod-p1", FakeHttpHandler.JsonText("""{"kind":"Status","status":"Success"}"""));

        await _reconciler.ReconcileAsync("p1", CancellationToken.None);

        var deletes = _http.Requests.Where(r => r.Method == HttpMethod.Delete).Select(r => r.Json!["preconditions"]!).ToList();
        Assert.Equal(2, deletes.Count);
        Assert.Null(deletes[1]["resourceVersion"]);
        Assert.Equal("p1", deletes[1]["uid"]!.GetValue<string>());
    }

    public void Dispose() => _client.Dispose();

    private static Pod Pod(string uid, string rv, params OwnerReference[] owners) =>
        PodBuilder.Named($"pod-{uid}").WithUid(uid).WithResourceVersion(rv).OwnedBy(owners).Build();

    private static ReplicaSet ReplicaSet(string uid, string name, string rv, bool deleting = false, string[]? finalizers = null, params OwnerReference[] owners) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "ReplicaSet",
        Metadata = new ObjectMeta
        {
            Name = name,
            Namespace = "default",
            Uid = uid,
            ResourceVersion = rv,
            DeletionTimestamp = deleting ? new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero) : null,
            Finalizers = finalizers is { Length: > 0 } ? [.. finalizers] : null,
            OwnerReferences = owners.Length > 0 ? [.. owners] : null,
        },
    };

    private static ReplicaSet ReplicaSet(string uid, string name, string rv, bool deleting, params string[] finalizers) =>
        ReplicaSet(uid, name, rv, deleting, finalizers, []);
}
