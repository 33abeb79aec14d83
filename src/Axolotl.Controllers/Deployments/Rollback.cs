using Axolotl.Api.Apps;
using Axolotl.Client;
using Axolotl.Client.Events;

namespace Axolotl.Controllers.Deployments;

/// <summary>
/// Axolotl's automatic rollback, opt-in with the annotation <c>axolotl.io/auto-rollback: "true"</c>
/// (Kubernetes only reports ProgressDeadlineExceeded and waits for a human: kubernetes/kubernetes#23211).
/// - Every ReplicaSet of such a Deployment that completes a rollout gets the label
///   <c>axolotl.io/fully-available: "true"</c>: the record of revisions known to work.
/// - When the current rollout is past its deadline (Progressing=False, ProgressDeadlineExceeded, for
///   the current generation) and its ReplicaSet never completed, the Deployment's template and
///   annotations are restored from the marked ReplicaSet with the highest revision, exactly as
///   <c>kubectl rollout undo</c> would, with a Warning event (reason AutoRollback) naming both revisions.
///   The controller then rolls forward to that template, renumbering it as the newest revision.
/// A rollout whose own ReplicaSet once completed is never rolled back, so this cannot loop.
/// </summary>
public sealed partial class DeploymentReconciler
{
    public const string AutoRollbackReason = "AutoRollback";

    private static bool AutoRollbackEnabled(Deployment d) =>
        string.Equals(d.Metadata.Annotations?.GetValueOrDefault(DeploymentAnnotations.AutoRollback), "true", StringComparison.OrdinalIgnoreCase);

    private static bool IsFullyAvailable(ReplicaSet rs) =>
        rs.Metadata.Labels?.GetValueOrDefault(DeploymentAnnotations.FullyAvailableLabel) == "true";

    /// <summary>Rolls back when the rules above say so; true when the Deployment was updated.</summary>
    private async Task<bool> AutoRollbackAsync(Deployment d, List<ReplicaSet> rsList, CancellationToken ct)
    {
        if (!AutoRollbackEnabled(d) ||
            DeploymentConditions.Get(d.Status, DeploymentConditions.Progressing)?.Reason != DeploymentConditions.ProgressDeadlineExceeded ||
            (d.Status!.ObservedGeneration ?? 0) < (d.Metadata.Generation ?? 0))
        {
            return false;
        }
        var current = ReplicaSetLists.FindNew(d, rsList);
        if (current is null || IsFullyAvailable(current))
        {
            return false;
        }
        var target = rsList
            .Where(rs => rs.Metadata.Uid != current.Metadata.Uid && IsFullyAvailable(rs) && rs.Spec is not null && Revisions.Of(rs) is > 0)
            .MaxBy(rs => Revisions.Of(rs));
        if (target is null)
        {
            DeploymentLog.NoRollbackTarget(_logger, d.Metadata.Namespace, d.Metadata.Name);
            return false;
        }

        var fromRevision = Revisions.Of(current);
        var toRevision = Revisions.Of(target);
        var rolledBack = d.DeepCopy();
        var template = target.Spec!.Template.DeepCopy();
        template.Metadata.Labels?.Remove(DeploymentAnnotations.PodTemplateHashLabel);
        if (template.Metadata.Labels is { Count: 0 })
        {
            template.Metadata.Labels = null;
        }
        rolledBack.Spec!.Template = template;
        // The opt-in stays even when the old ReplicaSet predates it.
        rolledBack.Metadata.Annotations = Revisions.AnnotationsForRollback(d, target, DeploymentAnnotations.AutoRollback);
        await _client.UpdateAsync(rolledBack, ct);
        DeploymentLog.RolledBack(_logger, d.Metadata.Namespace, d.Metadata.Name, fromRevision ?? 0, toRevision ?? 0);
        _events.Record(d, EventRecorder.Warning, AutoRollbackReason,
            $"Rolled back deployment \"{d.Metadata.Name}\" from revision {fromRevision} to revision {toRevision}: " +
            $"replica set \"{current.Metadata.Name}\" exceeded its progress deadline; revision {toRevision} was the last fully available one");
        return true;
    }

    /// <summary>Labels a ReplicaSet whose rollout completed, once.</summary>
    private async Task MarkFullyAvailableAsync(ReplicaSet rs, CancellationToken ct)
    {
        if (IsFullyAvailable(rs))
        {
            return;
        }
        var copy = rs.DeepCopy();
        copy.Metadata.Labels ??= [];
        copy.Metadata.Labels[DeploymentAnnotations.FullyAvailableLabel] = "true";
        await _client.UpdateAsync(copy, ct);
    }
}
