using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Client;
using Axolotl.Controllers.Runtime;
using Axolotl.Testing;

namespace Axolotl.Controllers.Tests.ReplicaSets;

public sealed class ReplicaSetReconcilerTests : IAsyncLifetime
{
    private const string PodsPath = "/api/v1/namespaces/default/pods";
    private const string QuotaMessage = "pods \"web-abcde\" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=3, limited: pods=3";
    private readonly ReplicaSetFixture _fx = new();

    [Fact]
    public async Task Missing_pods_are_created_from_the_template_with_generateName_and_a_controller_reference()
    {
        var rs = _fx.SeedReplicaSet(replicas: 3);

        var result = await _fx.ReconcileAsync();

        Assert.Equal(ReconcileResult.Done, result);
        var creates = _fx.Writes(HttpMethod.Post, PodsPath);
        Assert.Equal(3, creates.Count);
        foreach (var body in creates.Select(c => c.Json!))
        {
            Assert.Equal("web-", body["metadata"]!["generateName"]!.GetValue<string>());
            Assert.Equal("web", body["metadata"]!["labels"]!["app"]!.GetValue<string>());
            var owner = body["metadata"]!["ownerReferences"]![0]!;
            Assert.Equal(("apps/v1", "ReplicaSet", "web", rs.Metadata.Uid, true, true),
                (owner["apiVersion"]!.GetValue<string>(), owner["kind"]!.GetValue<string>(), owner["name"]!.GetValue<string>(),
                 owner["uid"]!.GetValue<string>(), owner["controller"]!.GetValue<bool>(), owner["blockOwnerDeletion"]!.GetValue<bool>()));
            Assert.Equal(["sleep", "3600"], body["spec"]!["containers"]![0]!["command"]!.AsArray().Select(c => c!.GetValue<string>()));
        }
        var names = _fx.Api.List<Pod>(ReplicaSetFixture.Ns).Select(p => p.Metadata.Name).Order().ToList();
        var events = await _fx.EventsAsync();
        Assert.Equal(names.Select(n => ("Normal", "SuccessfulCreate", $"Created pod: {n}", "ReplicaSet/web")).ToList(), events.OrderBy(e => e.Message).ToList());
        var status = _fx.Api.Get<ReplicaSet>(ReplicaSetFixture.Ns, "web")!.Status!;
        Assert.Equal(1, status.ObservedGeneration);
    }

    [Fact]
    public async Task Creates_go_out_in_doubling_batches_that_stop_at_the_first_failure_and_report_ReplicaFailure()
    {
        _fx.SeedReplicaSet(replicas: 10);
        var creates = 0;
        _fx.Api.Intercept = r => r.Method == HttpMethod.Post && r.Path == PodsPath && Interlocked.Increment(ref creates) > 3
            ? FakeHttpHandler.Status(403, "Forbidden", QuotaMessage)
            : null;

        var error = await Assert.ThrowsAsync<KubeApiException>(() => _fx.ReconcileAsync());

        Assert.Equal(QuotaMessage, error.Message);
        // Batches of 1 and 2 succeed; the batch of 4 fails, and no batch of 3 follows.
        Assert.Equal(7, _fx.Writes(HttpMethod.Post, PodsPath).Count);
        Assert.Equal((3, 0), _fx.Expectations.Pending("default/web"));
        var failure = Assert.Single(_fx.Api.Get<ReplicaSet>(ReplicaSetFixture.Ns, "web")!.Status!.Conditions!);
        Assert.Equal(("ReplicaFailure", "True", "FailedCreate", QuotaMessage), (failure.Type, failure.Status, failure.Reason, failure.Message));
        var warnings = (await _fx.EventsAsync()).Where(e => e.Type == "Warning").ToList();
        Assert.NotEmpty(warnings);
        Assert.All(warnings, w => Assert.Equal(("FailedCreate", $"Error creating: {QuotaMessage}"), (w.Reason, w.Message)));
    }

    [Fact]
    public async Task Creates_refused_because_the_namespace_is_terminating_are_nobodys_error()
    {
        _fx.SeedReplicaSet(replicas: 2);
        _fx.Api.Intercept = r => r.Method == HttpMethod.Post && r.Path == PodsPath
            ? FakeHttpHandler.Status(403, "Forbidden", "pods \"web-abcde\" is forbidden: unable to create new content in namespace default because it is being terminated")
            : null;

        await _fx.ReconcileAsync();

        Assert.Empty(await _fx.EventsAsync());
        Assert.Null(_fx.Api.Get<ReplicaSet>(ReplicaSetFixture.Ns, "web")!.Status!.Conditions);
    }

    [Fact]
    public async Task ReplicaFailure_goes_away_once_pods_can_be_created_again()
    {
        _fx.SeedReplicaSet(replicas: 1);
        _fx.Api.Intercept = r => r.Method == HttpMethod.Post && r.Path == PodsPath ? FakeHttpHandler.Status(403, "Forbidden", QuotaMessage) : null;
        await Assert.ThrowsAsync<KubeApiException>(() => _fx.ReconcileAsync());
        _fx.SyncCaches();
        _fx.Api.Intercept = null;

        await _fx.ReconcileAsync();

        Assert.Single(_fx.Api.List<Pod>(ReplicaSetFixture.Ns));
        Assert.Null(_fx.Api.Get<ReplicaSet>(ReplicaSetFixture.Ns, "web")!.Status!.Conditions);
    }

    [Fact]
    public async Task Expectations_hold_back_more_creates_until_the_watch_has_delivered_the_new_pods()
    {
        _fx.SeedReplicaSet(replicas: 3);

        // 1. Three creates; the cache has not seen them yet.
        await _fx.ReconcileAsync();
        Assert.Equal(3, _fx.Writes(HttpMethod.Post, PodsPath).Count);

        // 2. A sync with the stale cache must not create three more.
        await _fx.ReconcileAsync();
        Assert.Equal(3, _fx.Writes(HttpMethod.Post, PodsPath).Count);
        Assert.Equal((3, 0), _fx.Expectations.Pending("default/web"));

        // 3. The watch delivers the pods: expectations met, status counts them, nothing more to do.
        _fx.SyncCaches();
        _fx.DeliverPodAdds();
        Assert.True(_fx.Expectations.Satisfied("default/web"));
        await _fx.ReconcileAsync();
        Assert.Equal(3, _fx.Writes(HttpMethod.Post, PodsPath).Count);
        Assert.Equal(3, _fx.Api.Get<ReplicaSet>(ReplicaSetFixture.Ns, "web")!.Status!.Replicas);
    }

    [Fact]
    public async Task Expectations_that_are_never_observed_expire_after_five_minutes()
    {
        _fx.SeedReplicaSet(replicas: 2);
        await _fx.ReconcileAsync();
        _fx.Time.Advance(TimeSpan.FromMinutes(5));
        await _fx.ReconcileAsync();
        Assert.Equal(2, _fx.Writes(HttpMethod.Post, PodsPath).Count);

        _fx.Time.Advance(TimeSpan.FromSeconds(1));
        await _fx.ReconcileAsync();

        Assert.Equal(4, _fx.Writes(HttpMethod.Post, PodsPath).Count);
    }

    [Fact]
    public async Task Scaling_down_deletes_unscheduled_then_pending_pods_before_running_ones()
    {
        var rs = _fx.SeedReplicaSet(replicas: 2);
        _fx.SeedPod("running-old", rs);
        _fx.SeedPod("running-new", rs, readySince: _fx.Time.GetUtcNow().AddSeconds(-5));
        _fx.SeedPod("pending", rs, phase: "Pending", ready: false);
        _fx.SeedPod("unscheduled", rs, node: null, phase: "Pending", ready: false);

        await _fx.ReconcileAsync();

        var deleted = _fx.Writes(HttpMethod.Delete, PodsPath).Select(r => r.Path.Split('/')[^1]).Order().ToList();
        Assert.Equal(["pending", "unscheduled"], deleted);
        Assert.Equal((0, 2), _fx.Expectations.Pending("default/web"));
        Assert.Equal(["Deleted pod: pending", "Deleted pod: unscheduled"],
            (await _fx.EventsAsync()).Where(e => e.Reason == "SuccessfulDelete").Select(e => e.Message).Order());

        // The deletions show up (here: as terminating pods) and satisfy the expectations.
        foreach (var name in deleted)
        {
            _fx.Router.PodDeleted(ReplicaSetFixture.NewPod(name, rs, null, "node-1", "Pending", false, default, 0, null, _fx.Time.GetUtcNow()));
        }
        Assert.True(_fx.Expectations.Satisfied("default/web"));
    }

    [Fact]
    public async Task A_terminating_pod_counts_as_gone_and_is_replaced_at_once()
    {
        var rs = _fx.SeedReplicaSet(replicas: 3);
        _fx.SeedPod("a", rs);
        _fx.SeedPod("b", rs);
        _fx.SeedPod("c", rs, deleting: _fx.Time.GetUtcNow());

        await _fx.ReconcileAsync();

        Assert.Single(_fx.Writes(HttpMethod.Post, PodsPath));
        Assert.Empty(_fx.Writes(HttpMethod.Delete, PodsPath));
        Assert.Equal(2, _fx.Api.Get<ReplicaSet>(ReplicaSetFixture.Ns, "web")!.Status!.Replicas);
    }

    [Fact]
    public async Task Matching_orphans_are_adopted_and_owned_pods_that_no_longer_match_are_released()
    {
        var rs = _fx.SeedReplicaSet(replicas: 2);
        _fx.SeedPod("orphan", null);
        _fx.SeedPod("relabelled", rs, labels: new() { ["app"] = "other" });
        var other = _fx.SeedReplicaSet("other", replicas: 1);
        _fx.SeedPod("theirs", other);
        _fx.SeedPod("kept", rs);

        await _fx.ReconcileAsync();

        var adopt = Assert.Single(_fx.Writes(HttpMethod.Patch, "/pods/orphan")).Json!["metadata"]!;
        Assert.Equal("application/merge-patch+json", _fx.Writes(HttpMethod.Patch, "/pods/orphan")[0].ContentType);
        Assert.Equal(rs.Metadata.Uid, adopt["ownerReferences"]![0]!["uid"]!.GetValue<string>());
        Assert.True(adopt["ownerReferences"]![0]!["controller"]!.GetValue<bool>());
        Assert.NotNull(adopt["resourceVersion"]);
        var release = Assert.Single(_fx.Writes(HttpMethod.Patch, "/pods/relabelled")).Json!["metadata"]!.AsObject();
        Assert.True(release.ContainsKey("ownerReferences"));
        Assert.Null(release["ownerReferences"]);
        Assert.Empty(_fx.Writes(HttpMethod.Patch, "/pods/theirs"));
        Assert.Empty(_fx.Writes(HttpMethod.Patch, "/pods/kept"));
        // Adopted + kept make two: nothing to create or delete.
        Assert.Empty(_fx.Writes(HttpMethod.Post, PodsPath));
        Assert.Empty(_fx.Writes(HttpMethod.Delete, PodsPath));
        Assert.Equal(2, _fx.Api.Get<ReplicaSet>(ReplicaSetFixture.Ns, "web")!.Status!.Replicas);
    }

    [Fact]
    public async Task An_owner_that_was_just_deleted_adopts_nothing()
    {
        _fx.SeedReplicaSet(replicas: 1);
        _fx.SeedPod("orphan", null);
        // The API already has the deletion; the cache does not.
        _fx.Api.Mutate<ReplicaSet>(ReplicaSetFixture.Ns, "web", r => r.Metadata.DeletionTimestamp = _fx.Time.GetUtcNow());

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => _fx.ReconcileAsync());

        Assert.Contains("has just been deleted", error.Message);
        Assert.Empty(_fx.Api.Writes);
    }

    [Fact]
    public async Task Available_replicas_wait_for_minReadySeconds_and_the_sync_looks_again_when_they_pass()
    {
        var rs = _fx.SeedReplicaSet(replicas: 2, minReadySeconds: 10);
        _fx.SeedPod("a", rs, readySince: _fx.Time.GetUtcNow().AddSeconds(-4));
        _fx.SeedPod("b", rs, readySince: _fx.Time.GetUtcNow().AddSeconds(-20));

        var result = await _fx.ReconcileAsync();

        var status = _fx.Api.Get<ReplicaSet>(ReplicaSetFixture.Ns, "web")!.Status!;
        Assert.Equal((2, 2, 1), (status.Replicas, status.ReadyReplicas, status.AvailableReplicas));
        Assert.Equal(ReconcileResult.RequeueAfter(TimeSpan.FromSeconds(7)), result);

        _fx.Time.Advance(TimeSpan.FromSeconds(7));
        _fx.SyncCaches();
        Assert.Equal(ReconcileResult.Done, await _fx.ReconcileAsync());
        Assert.Equal(2, _fx.Api.Get<ReplicaSet>(ReplicaSetFixture.Ns, "web")!.Status!.AvailableReplicas);
    }

    [Fact]
    public async Task Status_counts_fully_labelled_pods_and_is_not_rewritten_when_nothing_changed()
    {
        var rs = _fx.SeedReplicaSet(replicas: 2, templateLabels: new() { ["app"] = "web", ["tier"] = "front" });
        _fx.SeedPod("full", rs, labels: new() { ["app"] = "web", ["tier"] = "front" });
        _fx.SeedPod("partial", rs, ready: false);

        await _fx.ReconcileAsync();
        var status = _fx.Api.Get<ReplicaSet>(ReplicaSetFixture.Ns, "web")!.Status!;
        Assert.Equal((2, 1, 1, 1), (status.Replicas, status.FullyLabeledReplicas, status.ReadyReplicas, status.AvailableReplicas));

        _fx.SyncCaches();
        var writes = _fx.Api.Writes.Count;
        await _fx.ReconcileAsync();
        Assert.Equal(writes, _fx.Api.Writes.Count);
    }

    [Fact]
    public async Task A_replica_set_that_is_gone_forgets_its_expectations()
    {
        _fx.SeedReplicaSet(replicas: 2);
        await _fx.ReconcileAsync();
        _fx.Api.Remove<ReplicaSet>(ReplicaSetFixture.Ns, "web");
        _fx.SyncCaches();

        Assert.Equal(ReconcileResult.Done, await _fx.ReconcileAsync());

        Assert.Null(_fx.Expectations.Pending("default/web"));
    }

    [Fact]
    public async Task A_replica_set_being_deleted_manages_no_pods_but_still_reports_them()
    {
        var rs = _fx.SeedReplicaSet(replicas: 3);
        _fx.SeedPod("a", rs);
        _fx.Api.Mutate<ReplicaSet>(ReplicaSetFixture.Ns, "web", r => r.Metadata.DeletionTimestamp = _fx.Time.GetUtcNow());
        _fx.SyncCaches();

        await _fx.ReconcileAsync();

        Assert.Empty(_fx.Writes(HttpMethod.Post, PodsPath));
        Assert.Equal(1, _fx.Api.Get<ReplicaSet>(ReplicaSetFixture.Ns, "web")!.Status!.Replicas);
    }

    [Fact]
    public async Task A_status_conflict_is_retried_once_on_a_fresh_read()
    {
        var rs = _fx.SeedReplicaSet(replicas: 1);
        _fx.SeedPod("a", rs);
        // Someone else (a scale) wrote after the cache was filled.
        _fx.Api.Mutate<ReplicaSet>(ReplicaSetFixture.Ns, "web", r => r.Metadata.Labels = new() { ["x"] = "y" });

        await _fx.ReconcileAsync();

        Assert.Equal(2, _fx.Writes(HttpMethod.Put, "/replicasets/web/status").Count);
        Assert.Equal(1, _fx.Api.Get<ReplicaSet>(ReplicaSetFixture.Ns, "web")!.Status!.Replicas);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _fx.DisposeAsync();
}
