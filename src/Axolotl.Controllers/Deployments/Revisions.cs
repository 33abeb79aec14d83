using System.Globalization;
using Axolotl.Api.Apps;

namespace Axolotl.Controllers.Deployments;

/// <summary>Revision and replica annotations on a Deployment's ReplicaSets (upstream deployment_util.go).</summary>
internal static class Revisions
{
    /// <summary>Upstream caps the revision-history annotation at about 2000 characters.</summary>
    public const int MaxHistoryLength = 2000;

    /// <summary>The revision of <paramref name="rs"/>: 0 without the annotation, null when it is not a number.</summary>
    public static long? Of(ReplicaSet rs) =>
        rs.Metadata.Annotations?.GetValueOrDefault(DeploymentAnnotations.Revision) is not { } text ? 0
        : long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : null;

    /// <summary>The highest revision among <paramref name="replicaSets"/> (unparsable ones skipped), 0 when none.</summary>
    public static long Max(IEnumerable<ReplicaSet> replicaSets) =>
        replicaSets.Select(Of).Where(v => v is not null).Select(v => v!.Value).DefaultIfEmpty(0).Max();

    /// <summary>
    /// Prepares the annotations of the Deployment's new ReplicaSet: copies the Deployment's own
    /// annotations (change-cause and the like), raises its revision to <paramref name="newRevision"/>
    /// when lower (a ReplicaSet that becomes current again keeps the revisions it had in
    /// revision-history), and for a ReplicaSet about to be created adds the replica annotations.
    /// True when anything changed.
    /// </summary>
    public static bool SetNewReplicaSetAnnotations(Deployment deployment, ReplicaSet rs, string newRevision, bool exists)
    {
        var changed = CopyDeploymentAnnotations(deployment, rs);
        var annotations = rs.Metadata.Annotations ??= [];
        var hadRevision = annotations.TryGetValue(DeploymentAnnotations.Revision, out var oldRevision);
        long oldValue = 0;
        if (hadRevision && !long.TryParse(oldRevision, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out oldValue))
        {
            // Someone wrote a non-number: leave it alone rather than guess.
            return false;
        }
        if (!long.TryParse(newRevision, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var newValue))
        {
            return false;
        }
        if (oldValue < newValue)
        {
            annotations[DeploymentAnnotations.Revision] = newRevision;
            changed = true;
            if (hadRevision)
            {
                AppendHistory(annotations, oldRevision!);
            }
        }
        if (!exists && SetReplicasAnnotations(rs, RolloutMath.Replicas(deployment), RolloutMath.Replicas(deployment) + RolloutMath.MaxSurge(deployment)))
        {
            changed = true;
        }
        return changed;
    }

    /// <summary>Records the desired and maximum replica counts this ReplicaSet was last scaled for.</summary>
    public static bool SetReplicasAnnotations(ReplicaSet rs, int desired, int max)
    {
        var annotations = rs.Metadata.Annotations ??= [];
        var changed = false;
        foreach (var (key, value) in new[] { (DeploymentAnnotations.DesiredReplicas, desired), (DeploymentAnnotations.MaxReplicas, max) })
        {
            var text = value.ToString(CultureInfo.InvariantCulture);
            if (annotations.GetValueOrDefault(key) != text)
            {
                annotations[key] = text;
                changed = true;
            }
        }
        return changed;
    }

    public static bool ReplicasAnnotationsNeedUpdate(ReplicaSet rs, int desired, int max) =>
        rs.Metadata.Annotations?.GetValueOrDefault(DeploymentAnnotations.DesiredReplicas) != desired.ToString(CultureInfo.InvariantCulture) ||
        rs.Metadata.Annotations?.GetValueOrDefault(DeploymentAnnotations.MaxReplicas) != max.ToString(CultureInfo.InvariantCulture);

    public static int? DesiredReplicas(ReplicaSet rs) => IntAnnotation(rs, DeploymentAnnotations.DesiredReplicas);

    public static int? MaxReplicas(ReplicaSet rs) => IntAnnotation(rs, DeploymentAnnotations.MaxReplicas);

    /// <summary>
    /// The Deployment's annotations after a rollback to <paramref name="rs"/> (upstream SetDeploymentAnnotationsTo):
    /// its own bookkeeping annotations stay, everything else comes from the ReplicaSet.
    /// <paramref name="keep"/> names further annotations of the Deployment that survive.
    /// </summary>
    public static Dictionary<string, string> AnnotationsForRollback(Deployment deployment, ReplicaSet rs, params string[] keep)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in deployment.Metadata.Annotations ?? [])
        {
            if (DeploymentAnnotations.NotCopied.Contains(key) || keep.Contains(key))
            {
                result[key] = value;
            }
        }
        foreach (var (key, value) in rs.Metadata.Annotations ?? [])
        {
            if (!DeploymentAnnotations.NotCopied.Contains(key) && !keep.Contains(key))
            {
                result[key] = value;
            }
        }
        return result;
    }

    private static bool CopyDeploymentAnnotations(Deployment deployment, ReplicaSet rs)
    {
        var annotations = rs.Metadata.Annotations ??= [];
        var changed = false;
        foreach (var (key, value) in deployment.Metadata.Annotations ?? [])
        {
            // The ReplicaSet's own revision is more reliable than the Deployment's copy, which may lag.
            if (DeploymentAnnotations.NotCopied.Contains(key) || annotations.GetValueOrDefault(key) == value)
            {
                continue;
            }
            annotations[key] = value;
            changed = true;
        }
        return changed;
    }

    /// <summary>Appends <paramref name="oldRevision"/> to revision-history, dropping the oldest entries past the length cap.</summary>
    private static void AppendHistory(Dictionary<string, string> annotations, string oldRevision)
    {
        var history = annotations.GetValueOrDefault(DeploymentAnnotations.RevisionHistory) ?? "";
        if (history.Length == 0)
        {
            annotations[DeploymentAnnotations.RevisionHistory] = oldRevision;
            return;
        }
        var entries = history.Split(',').ToList();
        var length = history.Length + oldRevision.Length + 1;
        var start = 0;
        while (length > MaxHistoryLength && start < entries.Count)
        {
            length -= entries[start].Length + 1;
            start++;
        }
        if (length <= MaxHistoryLength)
        {
            annotations[DeploymentAnnotations.RevisionHistory] = string.Join(',', entries.Skip(start).Append(oldRevision));
        }
    }

    private static int? IntAnnotation(ReplicaSet rs, string key) =>
        rs.Metadata.Annotations?.GetValueOrDefault(key) is { } text &&
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
}
