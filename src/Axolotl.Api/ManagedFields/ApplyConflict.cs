namespace Axolotl.Api.ManagedFields;

/// <summary>One field an apply would take from another manager.</summary>
public sealed record ApplyConflict(ManagerEntry Manager, IReadOnlyList<PathElement> Path)
{
    /// <summary>The path as upstream prints it, e.g. <c>.spec.replicas</c>.</summary>
    public string PathText => FieldSet.Format(Path);
}
