using Axolotl.Api.Scheme;

namespace Axolotl.Controllers.GarbageCollector;

public sealed record GarbageCollectorOptions
{
    /// <summary>Concurrent reconciles (upstream runs 20; our API is local).</summary>
    public int Workers { get; init; } = 4;

    /// <summary>The built-in resource types whose ownerReferences are followed: everything served except Events.</summary>
    public IReadOnlyList<ResourceType> Resources { get; init; } = DefaultResources();

    /// <summary>
    /// Also follow what discovery lists beyond the built-ins (custom resources), asking again every
    /// <see cref="RediscoveryInterval"/> (upstream's collector resyncs its monitors every 30 s).
    /// </summary>
    public bool DiscoverCustomResources { get; init; } = true;

    public TimeSpan RediscoveryInterval { get; init; } = TimeSpan.FromSeconds(30);

    public static IReadOnlyList<ResourceType> DefaultResources() => Followed(KnownResources.All);

    /// <summary>Of <paramref name="served"/>, those the collector follows: listable, watchable, one version per storage, no Events.</summary>
    public static IReadOnlyList<ResourceType> Followed(IEnumerable<ResourceType> served) =>
        served
            .Where(r => r.StorageResource != KnownResources.Events.StorageResource)
            .Where(r => r.Verbs.Contains("list") && r.Verbs.Contains("watch"))
            .DistinctBy(r => r.StorageResource) // one version of a kind served in several (autoscaling v2 and v1)
            .ToList();
}
