namespace Axolotl.Controllers.Runtime;

/// <summary>What a reconciler is asked about: an object's namespace (null when cluster-scoped) and name.</summary>
public sealed record ObjectKey(string? Namespace, string Name)
{
    /// <summary>"namespace/name" or "name", the same as the informer cache key.</summary>
    public override string ToString() => string.IsNullOrEmpty(Namespace) ? Name : $"{Namespace}/{Name}";

    public static ObjectKey Of(Axolotl.Api.Meta.KubeObject obj) =>
        new(string.IsNullOrEmpty(obj.Metadata.Namespace) ? null : obj.Metadata.Namespace, obj.Metadata.Name ?? "");
}
