using Axolotl.Api.Meta;
using Axolotl.Controllers.GarbageCollector;

namespace Axolotl.Controllers.Tests.GarbageCollector;

public class GarbageCollectionPlannerTests
{
    /// <summary>
    /// owners: one letter per ownerReference (uids o0, o1, …): S solid, D dangling, W waiting for its
    /// dependents (foreground), U unresolvable. finalizers: of the item. dependents: "" none, "d" one,
    /// "F" one that is itself deleting in the foreground.
    /// </summary>
    [Theory]
    [InlineData("", "", "", "keep")]
    [InlineData("S", "", "", "keep")]
    [InlineData("U", "", "", "keep")]
    [InlineData("D", "", "", "delete Background")]
    [InlineData("DD", "", "", "delete Background")]
    [InlineData("D", "", "d", "delete Background")]
    [InlineData("SD", "", "", "remove o1")]
    [InlineData("SW", "", "", "remove o1")]
    [InlineData("DSW", "", "", "remove o0,o2")]
    [InlineData("UD", "", "", "remove o1")]
    [InlineData("W", "", "", "delete Background")]
    [InlineData("W", "", "d", "delete Foreground")]
    [InlineData("WD", "", "d", "delete Foreground")]
    [InlineData("W", "", "F", "delete Foreground unblock")]
    [InlineData("D", "orphan", "d", "delete Orphan")]
    [InlineData("D", "foregroundDeletion", "", "delete Foreground")]
    public void A_dependent_is_kept_cleaned_or_deleted_according_to_its_owners(string owners, string finalizers, string dependents, string expected)
    {
        var refs = owners.Select((_, i) => Nodes.Ref($"o{i}")).ToArray();
        var item = Nodes.Node("item", "Pod", refs, false, finalizers.Length == 0 ? [] : [finalizers]);
        var classified = owners.Select((c, i) => new ClassifiedOwner(refs[i], c switch
        {
            'S' => OwnerState.Solid,
            'D' => OwnerState.Dangling,
            'W' => OwnerState.WaitingForDependentsDeletion,
            _ => OwnerState.Unresolvable,
        })).ToList();
        var deps = dependents switch
        {
            "d" => [Nodes.Pod("dep", Nodes.Ref("item"))],
            "F" => [Nodes.Pod("dep", Nodes.Ref("item")).Deleting(Finalizers.DeleteDependents)],
            _ => new List<GraphNode>(),
        };

        var plan = GarbageCollectionPlanner.PlanForDependent(item, classified, deps);

        Assert.Equal(expected, Describe(plan));
    }

    [Fact]
    public void An_object_already_being_deleted_is_left_alone()
    {
        var item = Nodes.Pod("item", Nodes.Ref("o0")).Deleting();

        var plan = GarbageCollectionPlanner.PlanForDependent(item, [new ClassifiedOwner(item.Owners[0], OwnerState.Dangling)], []);

        Assert.Equal(DependentAction.Keep, plan.Action);
    }

    [Theory]
    [InlineData(null, "2025-01-01", false, OwnerState.Dangling)]
    [InlineData("other-uid", null, false, OwnerState.Dangling)]
    [InlineData("o0", null, false, OwnerState.Solid)]
    [InlineData("o0", "being deleted", false, OwnerState.Solid)]
    [InlineData("o0", "being deleted", true, OwnerState.WaitingForDependentsDeletion)]
    public void An_owner_is_classified_from_its_live_state(string? liveUid, string? deletion, bool foreground, OwnerState expected)
    {
        var reference = Nodes.Ref("o0");
        GraphNode? live = liveUid is null ? null : Nodes.ReplicaSet(liveUid) with
        {
            BeingDeleted = deletion is not null,
            Finalizers = foreground ? [Finalizers.DeleteDependents] : [],
        };

        Assert.Equal(expected, GarbageCollectionPlanner.ClassifyOwner(reference, live));
    }

    [Fact]
    public void A_foreground_owner_waits_only_for_blocking_dependents()
    {
        var owner = Nodes.ReplicaSet("rs").Deleting(Finalizers.DeleteDependents);
        var blocking = Nodes.Pod("p1", Nodes.Ref("rs", block: true));
        var blockingButDeletingItsOwn = Nodes.Pod("p2", Nodes.Ref("rs", block: true)).Deleting(Finalizers.DeleteDependents);
        var notBlocking = Nodes.Pod("p3", Nodes.Ref("rs", block: false));
        var blockingAnotherOwner = Nodes.Pod("p4", Nodes.Ref("rs"), Nodes.Ref("other", block: true));

        var plan = GarbageCollectionPlanner.PlanForDeletingOwner(owner, [blocking, blockingButDeletingItsOwn, notBlocking, blockingAnotherOwner]);

        Assert.False(plan.RemoveFinalizer);
        Assert.Equal(["p1"], plan.AttemptToDelete);
    }

    [Fact]
    public void A_foreground_owner_without_blocking_dependents_loses_its_finalizer()
    {
        var owner = Nodes.ReplicaSet("rs").Deleting(Finalizers.DeleteDependents);

        var plan = GarbageCollectionPlanner.PlanForDeletingOwner(owner, [Nodes.Pod("p3", Nodes.Ref("rs", block: false))]);

        Assert.True(plan.RemoveFinalizer);
    }

    [Fact]
    public void Unblocking_switches_off_only_blocking_references()
    {
        OwnerReference[] refs = [Nodes.Ref("a", block: true), Nodes.Ref("b")];

        var unblocked = GarbageCollectionPlanner.Unblocked(refs)!;

        Assert.Equal([false, null], unblocked.Select(r => r.BlockOwnerDeletion));
        Assert.Null(GarbageCollectionPlanner.Unblocked(unblocked));
    }

    private static string Describe(DependentPlan plan) => plan.Action switch
    {
        DependentAction.Keep => "keep",
        DependentAction.RemoveOwnerReferences => "remove " + string.Join(',', plan.OwnerUidsToRemove),
        _ => $"delete {plan.PropagationPolicy}" + (plan.UnblockOwnerReferencesFirst ? " unblock" : ""),
    };
}
