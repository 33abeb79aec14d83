namespace Axolotl.Api.Meta;

/// <summary>metav1.DeletionPropagation values: what happens to an object's dependents when it is deleted.</summary>
public static class PropagationPolicy
{
    public const string Background = "Background";
    public const string Foreground = "Foreground";
    public const string Orphan = "Orphan";
}
