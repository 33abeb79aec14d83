using Axolotl.Api.Apps;
using Axolotl.Controllers.Runtime;

namespace Axolotl.Controllers.Deployments;

/// <summary>
/// The Progressing condition during a rollout (upstream progress.go). With a progress deadline and an
/// unfinished rollout, in this order:
/// - complete (all replicas updated and available): True, NewReplicaSetAvailable;
/// - something moved since the last status: True, ReplicaSetUpdated, lastUpdateTime now (the deadline
///   counts from the last progress);
/// - no progress for longer than progressDeadlineSeconds: False, ProgressDeadlineExceeded.
/// A ReplicaFailure of the ReplicaSets (the new one's first) is copied onto the Deployment. When the
/// status does not change, the Deployment is looked at again when its deadline would pass.
/// </summary>
public sealed partial class DeploymentReconciler
{
    private async Task<ReconcileResult> SyncRolloutStatusAsync(List<ReplicaSet?> allRSs, ReplicaSet? newRS, Deployment d, CancellationToken ct)
    {
        var status = CalculateStatus(allRSs, newRS, d);
        var now = _time.GetUtcNow();
        if (!RolloutMath.HasProgressDeadline(d))
        {
            DeploymentConditions.Remove(status, DeploymentConditions.Progressing);
        }
        var current = DeploymentConditions.Get(d.Status, DeploymentConditions.Progressing);
        var isComplete = status.Replicas == status.UpdatedReplicas && current?.Reason == DeploymentConditions.NewReplicaSetAvailable;
        if (RolloutMath.HasProgressDeadline(d) && !isComplete)
        {
            var subject = newRS is null ? $"Deployment \"{d.Metadata.Name}\"" : $"ReplicaSet \"{newRS.Metadata.Name}\"";
            if (RolloutMath.DeploymentComplete(d, status))
            {
                DeploymentConditions.Set(status, DeploymentConditions.New(DeploymentConditions.Progressing, "True",
                    DeploymentConditions.NewReplicaSetAvailable, $"{subject} has successfully progressed.", now));
            }
            else if (RolloutMath.DeploymentProgressing(d, status))
            {
                var condition = DeploymentConditions.New(DeploymentConditions.Progressing, "True",
                    DeploymentConditions.ReplicaSetUpdated, $"{subject} is progressing.", now);
                // Unlike other conditions, progress with the same reason still moves lastUpdateTime.
                if (current is not null)
                {
                    if (current.Status == "True")
                    {
                        condition.LastTransitionTime = current.LastTransitionTime;
                    }
                    DeploymentConditions.Remove(status, DeploymentConditions.Progressing);
                }
                DeploymentConditions.Set(status, condition);
            }
            else if (RolloutMath.DeploymentTimedOut(d, status, now))
            {
                DeploymentConditions.Set(status, DeploymentConditions.New(DeploymentConditions.Progressing, "False",
                    DeploymentConditions.ProgressDeadlineExceeded, $"{subject} has timed out progressing.", now));
            }
        }

        if (ReplicaFailure(allRSs, newRS) is { } failure)
        {
            DeploymentConditions.Set(status, failure);
        }
        else
        {
            DeploymentConditions.Remove(status, DeploymentConditions.ReplicaFailure);
        }

        if (AutoRollbackEnabled(d) && newRS is not null && RolloutMath.DeploymentComplete(d, status))
        {
            await MarkFullyAvailableAsync(newRS, ct);
        }

        if (SameStatus(d.Status, status))
        {
            return RequeueStuckDeployment(d, status, now);
        }
        d.Status = status;
        await WriteStatusAsync(d, ct);
        return ReconcileResult.Done;
    }

    /// <summary>The ReplicaFailure condition of the new ReplicaSet, else of any other, as a Deployment condition.</summary>
    private static DeploymentCondition? ReplicaFailure(List<ReplicaSet?> allRSs, ReplicaSet? newRS)
    {
        static ReplicaSetCondition? Failure(ReplicaSet? rs) =>
            rs?.Status?.Conditions?.FirstOrDefault(c => c.Type == DeploymentConditions.ReplicaFailure);

        var condition = Failure(newRS) ?? allRSs.Select(Failure).FirstOrDefault(c => c is not null);
        return condition is null ? null : DeploymentConditions.FromReplicaSet(condition);
    }

    /// <summary>
    /// When a rollout in progress has not changed the status, nothing else will wake the Deployment at
    /// its deadline: look again then (a second late, so the deadline has surely passed), or at once
    /// with backoff when it is less than a second away.
    /// </summary>
    private static ReconcileResult RequeueStuckDeployment(Deployment d, DeploymentStatus status, DateTimeOffset now)
    {
        var current = DeploymentConditions.Get(d.Status, DeploymentConditions.Progressing);
        if (!RolloutMath.HasProgressDeadline(d) || current is null ||
            RolloutMath.DeploymentComplete(d, status) || current.Reason == DeploymentConditions.ProgressDeadlineExceeded)
        {
            return ReconcileResult.Done;
        }
        var after = (current.LastUpdateTime ?? now).AddSeconds(d.Spec!.ProgressDeadlineSeconds!.Value) - now;
        return after < TimeSpan.FromSeconds(1)
            ? ReconcileResult.Requeue
            : ReconcileResult.RequeueAfter(after + TimeSpan.FromSeconds(1));
    }
}
