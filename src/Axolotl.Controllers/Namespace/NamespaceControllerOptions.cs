using Axolotl.Api.Scheme;

namespace Axolotl.Controllers.Namespace;

public sealed record NamespaceControllerOptions
{
    public int Workers { get; init; } = 2;

    /// <summary>How often a terminating namespace is checked again while objects (e.g. pods in their grace period) remain.</summary>
    public TimeSpan ContentPollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The namespaced resources emptied before a namespace goes: every served one that can be listed and
    /// deleted, once per storage (events.k8s.io Events are the core Events).
    /// </summary>
    public IReadOnlyList<ResourceType> Resources { get; init; } = DefaultResources();

    /// <summary>Also empty what discovery lists beyond the built-ins (custom resources), asked at every pass as upstream's controller does.</summary>
    public bool DiscoverCustomResources { get; init; } = true;

    public static IReadOnlyList<ResourceType> DefaultResources() => Emptied(KnownResources.All);

    /// <summary>Of <paramref name="served"/>, those a namespace is emptied of.</summary>
    public static IReadOnlyList<ResourceType> Emptied(IEnumerable<ResourceType> served) =>
        served
            .Where(r => r.Namespaced && r.Verbs.Contains("list") && r.Verbs.Contains("delete"))
            .DistinctBy(r => r.StorageResource)
            .ToList();
}
