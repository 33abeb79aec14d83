using Axolotl.Controllers.Runtime;

namespace Axolotl.Controllers.Tests.ReplicaSets;

public sealed class ReplicaSetEventRouterTests : IAsyncLifetime
{
    private static readonly ObjectKey Web = new("default", "web");
    private readonly ReplicaSetFixture _fx = new();

    [Fact]
    public void A_new_pod_with_a_controller_reference_is_an_observed_creation_of_its_owner()
    {
        var rs = _fx.SeedReplicaSet();
        _fx.Expectations.ExpectCreations("default/web", 1);

        _fx.Router.PodAdded(ReplicaSetFixture.NewPod("p", rs, null, "n1", "Pending", false, default, 0, null, null));

        Assert.Equal([Web], _fx.Enqueued);
        Assert.True(_fx.Expectations.Satisfied("default/web"));
    }

    [Fact]
    public void A_reference_to_a_replaced_owner_with_the_same_name_is_ignored()
    {
        var rs = _fx.SeedReplicaSet();
        var stale = ReplicaSetFixture.NewPod("p", rs, null, "n1", "Pending", false, default, 0, null, null);
        stale.Metadata.OwnerReferences![0].Uid = "some-older-uid";

        _fx.Router.PodAdded(stale);

        Assert.Empty(_fx.Enqueued);
    }

    [Fact]
    public void An_orphan_wakes_every_owner_whose_selector_matches_it()
    {
        _fx.SeedReplicaSet("web");
        _fx.SeedReplicaSet("other", selector: new() { MatchLabels = new() { ["app"] = "other" } }, templateLabels: new() { ["app"] = "other" });

        _fx.Router.PodAdded(ReplicaSetFixture.NewPod("p", null, null, "n1", "Running", true, default, 0, null, null));

        Assert.Equal([Web], _fx.Enqueued);
    }

    [Fact]
    public void A_pod_that_starts_terminating_is_an_observed_deletion()
    {
        var rs = _fx.SeedReplicaSet();
        var before = ReplicaSetFixture.NewPod("p", rs, null, "n1", "Running", true, default, 0, null, null);
        before.Metadata.ResourceVersion = "1";
        var after = ReplicaSetFixture.NewPod("p", rs, null, "n1", "Running", true, default, 0, null, _fx.Time.GetUtcNow());
        after.Metadata.ResourceVersion = "2";
        _fx.Expectations.ExpectDeletions("default/web", ["default/p"]);

        _fx.Router.PodUpdated(before, after);

        Assert.True(_fx.Expectations.Satisfied("default/web"));
        Assert.Equal([Web], _fx.Enqueued);
    }

    [Fact]
    public void A_pod_turning_ready_looks_again_after_minReadySeconds()
    {
        var rs = _fx.SeedReplicaSet(minReadySeconds: 5);
        var before = ReplicaSetFixture.NewPod("p", rs, null, "n1", "Running", false, default, 0, null, null);
        before.Metadata.ResourceVersion = "1";
        var after = ReplicaSetFixture.NewPod("p", rs, null, "n1", "Running", true, default, 0, null, null);
        after.Metadata.ResourceVersion = "2";

        _fx.Router.PodUpdated(before, after);

        Assert.Equal([Web], _fx.Enqueued);
        Assert.Equal([(Web, TimeSpan.FromSeconds(6))], _fx.EnqueuedAfter);
    }

    [Fact]
    public void A_pod_moved_to_another_owner_wakes_both()
    {
        var web = _fx.SeedReplicaSet("web");
        var other = _fx.SeedReplicaSet("other");
        var before = ReplicaSetFixture.NewPod("p", web, null, "n1", "Running", true, default, 0, null, null);
        before.Metadata.ResourceVersion = "1";
        var after = ReplicaSetFixture.NewPod("p", other, null, "n1", "Running", true, default, 0, null, null);
        after.Metadata.ResourceVersion = "2";

        _fx.Router.PodUpdated(before, after);

        Assert.Equal([Web, new ObjectKey("default", "other")], _fx.Enqueued);
    }

    [Fact]
    public void A_deleted_owner_loses_its_expectations()
    {
        var rs = _fx.SeedReplicaSet();
        _fx.Expectations.ExpectCreations("default/web", 2);

        _fx.Router.OwnerDeleted(rs);

        Assert.Null(_fx.Expectations.Pending("default/web"));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _fx.DisposeAsync();
}
