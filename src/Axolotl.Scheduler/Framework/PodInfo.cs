using Axolotl.Api.Core;

namespace Axolotl.Scheduler.Framework;

/// <summary>
/// A pod with its pod affinity and anti-affinity terms parsed once (upstream's framework.PodInfo):
/// <see cref="NodeInfo"/> keeps one for each pod with such terms, so that a cycle does not parse the
/// selectors of every pod again.
/// </summary>
public sealed class PodInfo
{
    public PodInfo(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        Pod = pod;
        var affinity = pod.Spec?.Affinity;
        RequiredAffinityTerms = Required(pod, affinity?.PodAffinity?.RequiredDuringSchedulingIgnoredDuringExecution);
        RequiredAntiAffinityTerms = Required(pod, affinity?.PodAntiAffinity?.RequiredDuringSchedulingIgnoredDuringExecution);
        PreferredAffinityTerms = Preferred(pod, affinity?.PodAffinity?.PreferredDuringSchedulingIgnoredDuringExecution);
        PreferredAntiAffinityTerms = Preferred(pod, affinity?.PodAntiAffinity?.PreferredDuringSchedulingIgnoredDuringExecution);
    }

    public Pod Pod { get; }

    public IReadOnlyList<AffinityTerm> RequiredAffinityTerms { get; }

    public IReadOnlyList<AffinityTerm> RequiredAntiAffinityTerms { get; }

    public IReadOnlyList<AffinityTerm> PreferredAffinityTerms { get; }

    public IReadOnlyList<AffinityTerm> PreferredAntiAffinityTerms { get; }

    /// <summary>Whether the pod states pod affinity or anti-affinity at all (upstream's PodsWithAffinity membership).</summary>
    public static bool HasPodAffinity(Pod pod) => pod.Spec?.Affinity is { } a && (a.PodAffinity is not null || a.PodAntiAffinity is not null);

    private static AffinityTerm[] Required(Pod pod, List<PodAffinityTerm>? terms) =>
        terms is null ? [] : [.. terms.Select(t => new AffinityTerm(pod, t))];

    private static AffinityTerm[] Preferred(Pod pod, List<WeightedPodAffinityTerm>? terms) =>
        terms is null ? [] : [.. terms.Where(t => t.Weight != 0).Select(t => new AffinityTerm(pod, t.PodAffinityTerm, t.Weight))];
}
