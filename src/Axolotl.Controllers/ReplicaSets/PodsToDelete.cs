using System.Globalization;
using Axolotl.Api.Core;

namespace Axolotl.Controllers.ReplicaSets;

/// <summary>
/// Which pods go first when a controller scales down (upstream's getPodsToDelete with
/// ActivePodsWithRanks, LogarithmicScaleDown and PodDeletionCost on, as in 1.32). Earlier in this
/// order means cheaper to lose:
/// 1. not yet on a node; 2. Pending, then Unknown, then Running; 3. not ready; 4. lower
/// <c>controller.kubernetes.io/pod-deletion-cost</c>; 5. more active pods of the same workload on its
/// node; 6. ready for less time (compared in powers of two of the age, ties broken by UID); 7. more
/// container restarts, then more sidecar restarts; 8. created more recently (same bucketing).
/// </summary>
internal static class PodsToDelete
{
    public const string DeletionCostAnnotation = "controller.kubernetes.io/pod-deletion-cost";

    /// <summary>
    /// The first <paramref name="count"/> pods of <paramref name="pods"/> in deletion order.
    /// <paramref name="related"/> are the pods of the whole workload (this controller's and its
    /// siblings'), used to find nodes that run more than one of them.
    /// </summary>
    public static List<Pod> Select(IReadOnlyList<Pod> pods, IReadOnlyList<Pod> related, int count, DateTimeOffset now)
    {
        if (count >= pods.Count)
        {
            // Every pod goes: no need to rank them.
            return [.. pods];
        }
        var onNode = related.Where(PodState.IsActive)
            .GroupBy(p => p.Spec?.NodeName ?? "", StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return pods
            .Select(p => new Ranked(p, onNode.GetValueOrDefault(p.Spec?.NodeName ?? "")))
            .Order(Comparer<Ranked>.Create((a, b) => Compare(a, b, now)))
            .Take(count)
            .Select(r => r.Pod)
            .ToList();
    }

    /// <summary>Negative when <paramref name="a"/> should be deleted before <paramref name="b"/>.</summary>
    internal static int Compare(Ranked a, Ranked b, DateTimeOffset now) =>
        Less(a, b, now) ? -1 : Less(b, a, now) ? 1 : 0;

    private static bool Less(Ranked x, Ranked y, DateTimeOffset now)
    {
        Pod i = x.Pod, j = y.Pod;
        var nodeI = i.Spec?.NodeName ?? "";
        var nodeJ = j.Spec?.NodeName ?? "";
        if (nodeI != nodeJ && (nodeI.Length == 0 || nodeJ.Length == 0))
        {
            return nodeI.Length == 0;
        }
        var phaseI = PhaseOrdinal(i);
        var phaseJ = PhaseOrdinal(j);
        if (phaseI != phaseJ)
        {
            return phaseI < phaseJ;
        }
        var readyI = PodState.IsReady(i);
        var readyJ = PodState.IsReady(j);
        if (readyI != readyJ)
        {
            return !readyI;
        }
        var costI = DeletionCost(i);
        var costJ = DeletionCost(j);
        if (costI != costJ)
        {
            return costI < costJ;
        }
        if (x.PodsOnSameNode != y.PodsOnSameNode)
        {
            return x.PodsOnSameNode > y.PodsOnSameNode;
        }
        if (readyI && readyJ)
        {
            var sinceI = PodState.ReadySince(i);
            var sinceJ = PodState.ReadySince(j);
            if (sinceI != sinceJ)
            {
                return NewerFirst(i, j, Zeroed(sinceI), Zeroed(sinceJ), now);
            }
        }
        var (regularI, sidecarI) = PodState.MaxRestarts(i);
        var (regularJ, sidecarJ) = PodState.MaxRestarts(j);
        if (regularI != regularJ)
        {
            return regularI > regularJ;
        }
        if (sidecarI != sidecarJ)
        {
            return sidecarI > sidecarJ;
        }
        var createdI = i.Metadata.CreationTimestamp;
        var createdJ = j.Metadata.CreationTimestamp;
        if (createdI != createdJ)
        {
            return NewerFirst(i, j, createdI, createdJ, now);
        }
        return false;
    }

    /// <summary>Upstream's afterOrZero plus logarithmic buckets: a missing time sorts first, then the newer.</summary>
    private static bool NewerFirst(Pod i, Pod j, DateTimeOffset? ti, DateTimeOffset? tj, DateTimeOffset now)
    {
        if (ti is null || tj is null)
        {
            return ti is null;
        }
        var rankDiff = LogRank(ti.Value, now) - LogRank(tj.Value, now);
        if (rankDiff == 0)
        {
            return string.CompareOrdinal(i.Metadata.Uid, j.Metadata.Uid) < 0;
        }
        return rankDiff < 0;
    }

    /// <summary>floor(log2(age in nanoseconds)), -1 for a time not in the past.</summary>
    private static long LogRank(DateTimeOffset t, DateTimeOffset now)
    {
        var nanos = (now - t).Ticks * 100.0;
        return nanos > 0 ? (long)Math.Log2(nanos) : -1;
    }

    private static DateTimeOffset? Zeroed(DateTimeOffset? t) => t == DateTimeOffset.MinValue ? null : t;

    private static int PhaseOrdinal(Pod pod) => pod.Status?.Phase switch
    {
        "Pending" => 0,
        "Unknown" => 1,
        "Running" => 2,
        // Upstream's map has no entry for other phases (and none for an empty phase): they rank as 0.
        _ => 0,
    };

    private static int DeletionCost(Pod pod) =>
        pod.Metadata.Annotations?.GetValueOrDefault(DeletionCostAnnotation) is { } text &&
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var cost)
            ? cost
            : 0;

    internal readonly record struct Ranked(Pod Pod, int PodsOnSameNode);
}
