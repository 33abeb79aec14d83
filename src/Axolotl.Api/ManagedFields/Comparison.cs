namespace Axolotl.Api.ManagedFields;

/// <summary>What changed between two versions of an object, as field paths (upstream's typed.Comparison).</summary>
public sealed class Comparison
{
    public FieldSet Added { get; } = new();

    public FieldSet Modified { get; } = new();

    public FieldSet Removed { get; } = new();

    public bool IsSame => Added.IsEmpty && Modified.IsEmpty && Removed.IsEmpty;

    /// <summary>The paths that were added or changed: what the writer takes over from others.</summary>
    public FieldSet Changed => Added.Union(Modified);
}
