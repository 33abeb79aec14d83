using Axolotl.Api.Meta;
using Axolotl.Client;

namespace Axolotl.Controllers.GarbageCollector;

/// <summary>How an ownerReference stands, after a live GET of the owner.</summary>
public enum OwnerState
{
    /// <summary>The owner exists with the referenced UID and is not being deleted in the foreground.</summary>
    Solid,

    /// <summary>No object with that name, or one with another UID: the owner is gone.</summary>
    Dangling,

    /// <summary>The owner exists and is being deleted in the foreground (foregroundDeletion finalizer).</summary>
    WaitingForDependentsDeletion,

    /// <summary>The owner's kind is not served (or a cluster-scoped object names a namespaced owner): never act on it.</summary>
    Unresolvable,
}

public sealed record ClassifiedOwner(OwnerReference Reference, OwnerState State);

public enum DependentAction
{
    Keep,
    RemoveOwnerReferences,
    Delete,
}

/// <summary>What to do with an object whose owners were classified.</summary>
public sealed record DependentPlan(DependentAction Action, IReadOnlyList<string> OwnerUidsToRemove, string? PropagationPolicy, bool UnblockOwnerReferencesFirst)
{
    public static DependentPlan Keep { get; } = new(DependentAction.Keep, [], null, false);

    public static DependentPlan RemoveOwnerReferences(IReadOnlyList<string> uids) => new(DependentAction.RemoveOwnerReferences, uids, null, false);

    public static DependentPlan Delete(string propagationPolicy, bool unblockFirst = false) => new(DependentAction.Delete, [], propagationPolicy, unblockFirst);
}

/// <summary>What to do with an owner being deleted in the foreground.</summary>
public sealed record DeletingOwnerPlan(bool RemoveFinalizer, IReadOnlyList<string> AttemptToDelete);

/// <summary>
/// The garbage collector's decisions as pure functions (upstream's attemptToDeleteItem and
/// processDeletingDependentsItem without the I/O). Decision order for a dependent:
/// 1. being deleted or no owners → keep;
/// 2. at least one solid owner → keep, but drop references to dangling and foreground-deleting owners;
/// 3. some owner waits for its dependents and this object has dependents of its own → delete in the
///    foreground (first making its own references non-blocking if a dependent is also deleting in the
///    foreground, to break cycles);
/// 4. otherwise → delete, with the policy its own finalizers ask for (orphan, foreground) or background.
/// </summary>
public static class GarbageCollectionPlanner
{
    public static OwnerState ClassifyOwner(OwnerReference reference, GraphNode? liveOwner)
    {
        if (liveOwner is null || liveOwner.Uid != reference.Uid)
        {
            return OwnerState.Dangling;
        }
        return liveOwner.DeletingDependents ? OwnerState.WaitingForDependentsDeletion : OwnerState.Solid;
    }

    public static DependentPlan PlanForDependent(GraphNode item, IReadOnlyList<ClassifiedOwner> owners, IReadOnlyList<GraphNode> dependents)
    {
        if (item.BeingDeleted || owners.Count == 0)
        {
            return DependentPlan.Keep;
        }
        var solid = owners.Any(o => o.State is OwnerState.Solid or OwnerState.Unresolvable);
        var stale = owners.Where(o => o.State is OwnerState.Dangling or OwnerState.WaitingForDependentsDeletion)
            .Select(o => o.Reference.Uid)
            .ToList();
        if (solid)
        {
            // Leaving a reference to a foreground-deleting owner would keep that owner waiting forever.
            return stale.Count == 0 ? DependentPlan.Keep : DependentPlan.RemoveOwnerReferences(stale);
        }
        if (owners.Any(o => o.State == OwnerState.WaitingForDependentsDeletion) && dependents.Count > 0)
        {
            return DependentPlan.Delete(PropagationPolicy.Foreground, unblockFirst: dependents.Any(d => d.DeletingDependents));
        }
        var policy = item.HasFinalizer(Finalizers.OrphanDependents) ? PropagationPolicy.Orphan
            : item.HasFinalizer(Finalizers.DeleteDependents) ? PropagationPolicy.Foreground
            : PropagationPolicy.Background;
        return DependentPlan.Delete(policy);
    }

    /// <summary>Dependents whose reference to <paramref name="ownerUid"/> has blockOwnerDeletion=true.</summary>
    public static IReadOnlyList<GraphNode> BlockingDependents(string ownerUid, IReadOnlyList<GraphNode> dependents) =>
        dependents.Where(d => d.Owners.Any(o => o.Uid == ownerUid && o.BlockOwnerDeletion == true)).ToList();

    /// <summary>
    /// An owner deleting in the foreground loses its finalizer once no blocking dependent is left;
    /// until then the blocking dependents are looked at (those not themselves waiting on theirs).
    /// </summary>
    public static DeletingOwnerPlan PlanForDeletingOwner(GraphNode owner, IReadOnlyList<GraphNode> dependents)
    {
        var blocking = BlockingDependents(owner.Uid, dependents);
        return blocking.Count == 0
            ? new DeletingOwnerPlan(true, [])
            : new DeletingOwnerPlan(false, blocking.Where(d => !d.DeletingDependents).Select(d => d.Uid).ToList());
    }

    /// <summary>The references with blockOwnerDeletion switched off, or null when none was blocking.</summary>
    public static IReadOnlyList<OwnerReference>? Unblocked(IReadOnlyList<OwnerReference> references)
    {
        if (!references.Any(r => r.BlockOwnerDeletion == true))
        {
            return null;
        }
        return references.Select(r => r.BlockOwnerDeletion == true ? Copy(r, blockOwnerDeletion: false) : r).ToList();
    }

    private static OwnerReference Copy(OwnerReference r, bool blockOwnerDeletion) => new()
    {
        ApiVersion = r.ApiVersion,
        Kind = r.Kind,
        Name = r.Name,
        Uid = r.Uid,
        Controller = r.Controller,
        BlockOwnerDeletion = blockOwnerDeletion,
        ExtensionData = r.ExtensionData,
    };
}
