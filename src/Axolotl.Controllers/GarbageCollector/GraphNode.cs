using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.Client.Discovery;

namespace Axolotl.Controllers.GarbageCollector;

/// <summary>
/// What the garbage collector knows about one object: its identity, owners and deletion state.
/// <see cref="Observed"/> is false for a "virtual" node: an owner named by some ownerReference that no
/// informer has shown yet (it may not exist). Immutable; the graph swaps whole nodes.
/// </summary>
public sealed record GraphNode
{
    public required string Uid { get; init; }
    public required string ApiVersion { get; init; }
    public required string Kind { get; init; }
    public string? Namespace { get; init; }
    public required string Name { get; init; }
    public string? ResourceVersion { get; init; }
    public bool Observed { get; init; } = true;
    public IReadOnlyList<OwnerReference> Owners { get; init; } = [];
    public bool BeingDeleted { get; init; }
    public IReadOnlyList<string> Finalizers { get; init; } = [];

    /// <summary>Being deleted in the foreground: waits for its blocking dependents.</summary>
    public bool DeletingDependents => BeingDeleted && Finalizers.Contains(GarbageCollector.Finalizers.DeleteDependents);

    /// <summary>Being deleted with the orphan policy: its dependents must be released first.</summary>
    public bool OrphaningDependents => BeingDeleted && Finalizers.Contains(GarbageCollector.Finalizers.OrphanDependents);

    public bool HasFinalizer(string finalizer) => Finalizers.Contains(finalizer);

    /// <summary>The REST resource for this node's kind, or null when Axolotl does not serve it.</summary>
    public ResourceType? Resolve(ServedResources? served = null) => ResolveResource(ApiVersion, Kind, served);

    public override string ToString() => string.IsNullOrEmpty(Namespace) ? $"{Kind} {Name} ({Uid})" : $"{Kind} {Namespace}/{Name} ({Uid})";

    public static GraphNode From(KubeObject obj, ResourceType? resource = null) => new()
    {
        Uid = obj.Metadata.Uid ?? "",
        ApiVersion = obj.ApiVersion ?? resource?.ApiVersion ?? "",
        Kind = obj.Kind ?? resource?.Kind ?? "",
        Namespace = string.IsNullOrEmpty(obj.Metadata.Namespace) ? null : obj.Metadata.Namespace,
        Name = obj.Metadata.Name ?? "",
        ResourceVersion = obj.Metadata.ResourceVersion,
        Owners = obj.Metadata.OwnerReferences?.ToList() ?? [],
        BeingDeleted = obj.Metadata.DeletionTimestamp is not null,
        Finalizers = obj.Metadata.Finalizers?.ToList() ?? [],
    };

    /// <summary>A virtual node for an owner seen only through a dependent's ownerReference.</summary>
    public static GraphNode Virtual(OwnerReference reference, string? dependentNamespace, ServedResources? served = null)
    {
        var resource = ResolveResource(reference.ApiVersion, reference.Kind, served);
        return new()
        {
            Uid = reference.Uid,
            ApiVersion = reference.ApiVersion,
            Kind = reference.Kind,
            // ownerReferences carry no namespace: a namespaced owner lives in its dependent's namespace.
            Namespace = resource is { Namespaced: false } ? null : dependentNamespace,
            Name = reference.Name,
            Observed = false,
        };
    }

    /// <summary>The served resource of <paramref name="kind"/> at <paramref name="apiVersion"/>; the built-ins when <paramref name="served"/> is null.</summary>
    public static ResourceType? ResolveResource(string apiVersion, string kind, ServedResources? served = null) =>
        (served ?? ServedResources.BuiltIn).Find(apiVersion, kind);
}
