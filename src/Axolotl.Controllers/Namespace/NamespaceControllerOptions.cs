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

    public static IReadOnlyList<ResourceType> DefaultResources() =>
        KnownResources.All
            .Where(r => r.Namespaced && r.Verbs.Contains("list") && r.Verbs.Contains("delete"))
            .DistinctBy(r => r.StorageResource)
            .ToList();
}
