using Axolotl.Api.Scheme;

namespace Axolotl.Controllers.GarbageCollector;

public sealed record GarbageCollectorOptions
{
    /// <summary>Concurrent reconciles (upstream runs 20; our API is local).</summary>
    public int Workers { get; init; } = 4;

    /// <summary>The resource types whose ownerReferences are followed: everything served except Events.</summary>
    public IReadOnlyList<ResourceType> Resources { get; init; } = DefaultResources();

    public static IReadOnlyList<ResourceType> DefaultResources() =>
        KnownResources.All
            .Where(r => r.StorageResource != KnownResources.Events.StorageResource)
            .Where(r => r.Verbs.Contains("list") && r.Verbs.Contains("watch"))
            .DistinctBy(r => r.StorageResource) // one version of a kind served in several (autoscaling v2 and v1)
            .ToList();
}
