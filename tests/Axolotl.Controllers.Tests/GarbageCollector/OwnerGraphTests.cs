using Axolotl.Controllers.GarbageCollector;

namespace Axolotl.Controllers.Tests.GarbageCollector;

public class OwnerGraphTests
{
    private readonly OwnerGraph _graph = new();

    [Fact]
    public void A_dependent_whose_owner_was_never_seen_makes_a_virtual_owner_to_check()
    {
        var attempt = _graph.Observe(Nodes.Pod("p1", Nodes.Ref("rs1", name: "web")));

        Assert.Equal(["rs1"], attempt);
        var owner = _graph.Get("rs1")!;
        Assert.False(owner.Observed);
        Assert.Equal(("ReplicaSet", "web", "default"), (owner.Kind, owner.Name, owner.Namespace));
        Assert.Equal(["p1"], _graph.Dependents("rs1").Select(d => d.Uid));
    }

    [Fact]
    public void A_dependent_of_a_known_owner_needs_no_check()
    {
        _graph.Observe(Nodes.ReplicaSet("rs1"));

        Assert.Empty(_graph.Observe(Nodes.Pod("p1", Nodes.Ref("rs1"))));
        Assert.Empty(_graph.Observe(Nodes.Pod("p1", Nodes.Ref("rs1")) with { ResourceVersion = "2" }));
    }

    [Fact]
    public void Observing_the_real_owner_turns_the_virtual_node_into_an_ordinary_one()
    {
        _graph.Observe(Nodes.Pod("p1", Nodes.Ref("rs1")));

        _graph.Observe(Nodes.ReplicaSet("rs1"));

        Assert.True(_graph.Get("rs1")!.Observed);
        Assert.Single(_graph.Dependents("rs1"));
    }

    [Fact]
    public void Deleting_an_owner_flags_its_dependents()
    {
        _graph.Observe(Nodes.ReplicaSet("rs1"));
        _graph.Observe(Nodes.Pod("p1", Nodes.Ref("rs1")));
        _graph.Observe(Nodes.Pod("p2", Nodes.Ref("rs1")));

        var attempt = _graph.ObserveDeleted(Nodes.ReplicaSet("rs1"));

        Assert.Equal(["p1", "p2"], attempt.Order());
        Assert.Null(_graph.Get("rs1"));
    }

    [Fact]
    public void A_confirmed_absent_virtual_owner_is_dropped_and_its_dependents_flagged()
    {
        _graph.Observe(Nodes.Pod("p1", Nodes.Ref("rs1")));

        Assert.Equal(["p1"], _graph.RemoveVirtual("rs1"));
        Assert.Null(_graph.Get("rs1"));
        Assert.Empty(_graph.RemoveVirtual("p1"));
    }

    [Fact]
    public void Foreground_deletion_flags_every_dependent_and_the_owner_once()
    {
        _graph.Observe(Nodes.ReplicaSet("rs1"));
        _graph.Observe(Nodes.Pod("p1", Nodes.Ref("rs1", block: true)));
        _graph.Observe(Nodes.Pod("p2", Nodes.Ref("rs1")));

        var attempt = _graph.Observe(Nodes.ReplicaSet("rs1").Deleting(Finalizers.DeleteDependents));
        var again = _graph.Observe(Nodes.ReplicaSet("rs1").Deleting(Finalizers.DeleteDependents) with { ResourceVersion = "3" });

        Assert.Equal(["p1", "p2", "rs1"], attempt.Order());
        Assert.Empty(again);
    }

    [Fact]
    public void A_dependent_going_away_flags_an_owner_that_waits_for_it()
    {
        _graph.Observe(Nodes.Pod("p1", Nodes.Ref("rs1", block: true)));
        _graph.Observe(Nodes.ReplicaSet("rs1").Deleting(Finalizers.DeleteDependents));

        Assert.Equal(["rs1"], _graph.ObserveDeleted(Nodes.Pod("p1", Nodes.Ref("rs1", block: true))));
    }

    [Fact]
    public void A_dependent_dropping_or_unblocking_its_reference_flags_a_waiting_owner()
    {
        _graph.Observe(Nodes.Pod("p1", Nodes.Ref("rs1", block: true)));
        _graph.Observe(Nodes.Pod("p2", Nodes.Ref("rs1", block: true)));
        _graph.Observe(Nodes.ReplicaSet("rs1").Deleting(Finalizers.DeleteDependents));

        Assert.Equal(["rs1"], _graph.Observe(Nodes.Pod("p1", Nodes.Ref("rs1", block: false))));
        Assert.Equal(["rs1"], _graph.Observe(Nodes.Pod("p2")));
        Assert.Single(_graph.Dependents("rs1"));
    }

    [Fact]
    public void Orphan_deletion_flags_the_owner()
    {
        _graph.Observe(Nodes.ReplicaSet("rs1"));

        Assert.Equal(["rs1"], _graph.Observe(Nodes.ReplicaSet("rs1").Deleting(Finalizers.OrphanDependents)));
    }

    [Fact]
    public void A_virtual_owner_nobody_refers_to_any_more_disappears()
    {
        _graph.Observe(Nodes.Pod("p1", Nodes.Ref("rs1")));

        _graph.ObserveDeleted(Nodes.Pod("p1", Nodes.Ref("rs1")));

        Assert.Null(_graph.Get("rs1"));
        Assert.Equal(0, _graph.Count);
    }
}
