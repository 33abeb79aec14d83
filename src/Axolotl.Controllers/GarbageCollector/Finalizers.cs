namespace Axolotl.Controllers.GarbageCollector;

/// <summary>The finalizers the API server adds for cascading deletes and the garbage collector removes.</summary>
public static class Finalizers
{
    /// <summary>Foreground deletion: the owner stays until its blocking dependents are gone.</summary>
    public const string DeleteDependents = "foregroundDeletion";

    /// <summary>Orphan deletion: dependents lose their ownerReference to the owner instead of being deleted.</summary>
    public const string OrphanDependents = "orphan";
}
