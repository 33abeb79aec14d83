using Axolotl.Api.Apps;

namespace Axolotl.Controllers.Deployments;

/// <summary>Finding, filtering, counting and ordering a Deployment's ReplicaSets (upstream deployment_util.go, controller_utils.go).</summary>
internal static class ReplicaSetLists
{
    /// <summary>
    /// The ReplicaSet whose template is the Deployment's (ignoring the hash label); the oldest when
    /// several match, so the choice is stable.
    /// </summary>
    public static ReplicaSet? FindNew(Deployment d, IEnumerable<ReplicaSet> all) =>
        ByCreation(all).FirstOrDefault(rs => rs.Spec is not null && PodTemplateHash.EqualIgnoreHash(rs.Spec.Template, d.Spec!.Template));

    /// <summary>Every ReplicaSet but the new one.</summary>
    public static List<ReplicaSet> FindOld(Deployment d, IReadOnlyList<ReplicaSet> all)
    {
        var newRS = FindNew(d, all);
        return all.Where(rs => newRS is null || rs.Metadata.Uid != newRS.Metadata.Uid).ToList();
    }

    /// <summary>ReplicaSets that should have pods (spec.replicas &gt; 0).</summary>
    public static List<ReplicaSet> Active(IEnumerable<ReplicaSet?> all) =>
        all.OfType<ReplicaSet>().Where(rs => (rs.Spec?.Replicas ?? 0) > 0).ToList();

    /// <summary>
    /// The only active ReplicaSet, or the newest one when none is active (the new one first); null when
    /// several are active, which calls for proportional scaling instead.
    /// </summary>
    public static ReplicaSet? FindActiveOrLatest(ReplicaSet? newRS, IReadOnlyList<ReplicaSet> oldRSs)
    {
        if (newRS is null && oldRSs.Count == 0)
        {
            return null;
        }
        var newestFirst = ByCreation(oldRSs).Reverse().ToList();
        var active = Active([.. newestFirst, newRS]);
        return active.Count switch
        {
            0 => newRS ?? newestFirst[0],
            1 => active[0],
            _ => null,
        };
    }

    public static int SpecReplicas(IEnumerable<ReplicaSet?> all) => all.OfType<ReplicaSet>().Sum(rs => rs.Spec?.Replicas ?? 0);

    public static int StatusReplicas(IEnumerable<ReplicaSet?> all) => all.OfType<ReplicaSet>().Sum(rs => rs.Status?.Replicas ?? 0);

    public static int ReadyReplicas(IEnumerable<ReplicaSet?> all) => all.OfType<ReplicaSet>().Sum(rs => rs.Status?.ReadyReplicas ?? 0);

    public static int AvailableReplicas(IEnumerable<ReplicaSet?> all) => all.OfType<ReplicaSet>().Sum(rs => rs.Status?.AvailableReplicas ?? 0);

    /// <summary>Oldest first; ties by name.</summary>
    public static IEnumerable<ReplicaSet> ByCreation(IEnumerable<ReplicaSet> all) =>
        all.OrderBy(rs => rs.Metadata.CreationTimestamp ?? DateTimeOffset.MinValue).ThenBy(rs => rs.Metadata.Name, StringComparer.Ordinal);

    /// <summary>Largest first; among equals the newest first (where scaling up starts).</summary>
    public static List<ReplicaSet> BySizeNewer(IEnumerable<ReplicaSet> all) =>
        [.. all.OrderByDescending(rs => rs.Spec?.Replicas ?? 0)
            .ThenByDescending(rs => rs.Metadata.CreationTimestamp ?? DateTimeOffset.MinValue)
            .ThenByDescending(rs => rs.Metadata.Name, StringComparer.Ordinal)];

    /// <summary>Largest first; among equals the oldest first (where scaling down starts).</summary>
    public static List<ReplicaSet> BySizeOlder(IEnumerable<ReplicaSet> all) =>
        [.. all.OrderByDescending(rs => rs.Spec?.Replicas ?? 0)
            .ThenBy(rs => rs.Metadata.CreationTimestamp ?? DateTimeOffset.MinValue)
            .ThenBy(rs => rs.Metadata.Name, StringComparer.Ordinal)];

    /// <summary>Lowest revision first; ties (and unparsable revisions) by creation.</summary>
    public static List<ReplicaSet> ByRevision(IEnumerable<ReplicaSet> all) =>
        [.. all.OrderBy(rs => Revisions.Of(rs) ?? 0)
            .ThenBy(rs => rs.Metadata.CreationTimestamp ?? DateTimeOffset.MinValue)
            .ThenBy(rs => rs.Metadata.Name, StringComparer.Ordinal)];
}
