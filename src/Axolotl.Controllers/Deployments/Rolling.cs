using Axolotl.Api.Apps;
using Axolotl.Controllers.Runtime;

namespace Axolotl.Controllers.Deployments;

/// <summary>
/// The RollingUpdate strategy (upstream rolling.go). One step per sync, then the status:
/// 1. create the new ReplicaSet if missing, and scale it up as far as replicas + maxSurge allows;
/// 2. otherwise scale old ReplicaSets down as far as replicas - maxUnavailable allows, unhealthy
///    (unavailable) replicas first, since losing those costs no availability;
/// 3. otherwise, once the rollout is complete, delete history beyond revisionHistoryLimit.
/// Each step's ReplicaSet update wakes the Deployment again for the next.
/// </summary>
public sealed partial class DeploymentReconciler
{
    private async Task<ReconcileResult> RolloutRollingAsync(Deployment d, List<ReplicaSet> rsList, CancellationToken ct)
    {
        var (newRS, oldRSs) = await GetAllReplicaSetsAndSyncRevisionAsync(d, rsList, createIfNotExisted: true, ct);
        List<ReplicaSet?> allRSs = [.. oldRSs, newRS];

        if (await ReconcileNewReplicaSetAsync(allRSs, newRS!, d, ct))
        {
            return await SyncRolloutStatusAsync(allRSs, newRS, d, ct);
        }
        if (await ReconcileOldReplicaSetsAsync(allRSs, ReplicaSetLists.Active(oldRSs), newRS!, d, ct))
        {
            return await SyncRolloutStatusAsync(allRSs, newRS, d, ct);
        }
        if (RolloutMath.DeploymentComplete(d, d.Status!))
        {
            await CleanupDeploymentAsync(oldRSs, d, ct);
        }
        return await SyncRolloutStatusAsync(allRSs, newRS, d, ct);
    }

    private async Task<bool> ReconcileNewReplicaSetAsync(List<ReplicaSet?> allRSs, ReplicaSet newRS, Deployment d, CancellationToken ct)
    {
        var desired = RolloutMath.Replicas(d);
        var current = newRS.Spec?.Replicas ?? 0;
        if (current == desired)
        {
            return false;
        }
        var target = current > desired ? desired : RolloutMath.NewReplicaSetReplicas(d, allRSs.OfType<ReplicaSet>(), newRS);
        var (scaled, _) = await ScaleReplicaSetAsync(newRS, target, d, ct);
        return scaled;
    }

    /// <summary>
    /// Scales old ReplicaSets down by at most allPods - minAvailable - newRSUnavailable: the surge
    /// already made room for, minus what the new ReplicaSet has not yet made available, so that
    /// unavailable new pods never let availability drop below replicas - maxUnavailable.
    /// </summary>
    private async Task<bool> ReconcileOldReplicaSetsAsync(List<ReplicaSet?> allRSs, List<ReplicaSet> oldRSs, ReplicaSet newRS, Deployment d, CancellationToken ct)
    {
        if (ReplicaSetLists.SpecReplicas(oldRSs) == 0)
        {
            return false;
        }
        var allPods = ReplicaSetLists.SpecReplicas(allRSs);
        var maxUnavailable = RolloutMath.MaxUnavailable(d);
        var minAvailable = RolloutMath.Replicas(d) - maxUnavailable;
        var newUnavailable = (newRS.Spec?.Replicas ?? 0) - (newRS.Status?.AvailableReplicas ?? 0);
        var maxScaledDown = allPods - minAvailable - newUnavailable;
        if (maxScaledDown <= 0)
        {
            return false;
        }
        var (cleaned, cleanedCount) = await CleanupUnhealthyReplicasAsync(oldRSs, d, maxScaledDown, ct);
        var scaledDown = await ScaleDownOldReplicaSetsForRollingUpdateAsync([.. cleaned, newRS], cleaned, d, ct);
        return cleanedCount + scaledDown > 0;
    }

    /// <summary>Scales old ReplicaSets (oldest first) down by their unavailable replicas, up to <paramref name="maxCleanup"/> in all.</summary>
    private async Task<(List<ReplicaSet> OldRSs, int Count)> CleanupUnhealthyReplicasAsync(List<ReplicaSet> oldRSs, Deployment d, int maxCleanup, CancellationToken ct)
    {
        var ordered = ReplicaSetLists.ByCreation(oldRSs).ToList();
        var total = 0;
        for (var i = 0; i < ordered.Count && total < maxCleanup; i++)
        {
            var rs = ordered[i];
            var replicas = rs.Spec?.Replicas ?? 0;
            var available = rs.Status?.AvailableReplicas ?? 0;
            if (replicas == 0 || replicas == available)
            {
                continue;
            }
            var count = Math.Min(maxCleanup - total, replicas - available);
            if (count <= 0)
            {
                // More available than wanted (the ReplicaSet is shrinking already): nothing unhealthy to drop.
                continue;
            }
            var (_, updated) = await ScaleReplicaSetAsync(rs, replicas - count, d, ct);
            ordered[i] = updated;
            total += count;
        }
        return (ordered, total);
    }

    /// <summary>Scales old ReplicaSets (oldest first) down by the available pods beyond replicas - maxUnavailable.</summary>
    private async Task<int> ScaleDownOldReplicaSetsForRollingUpdateAsync(List<ReplicaSet?> allRSs, List<ReplicaSet> oldRSs, Deployment d, CancellationToken ct)
    {
        var minAvailable = RolloutMath.Replicas(d) - RolloutMath.MaxUnavailable(d);
        var available = ReplicaSetLists.AvailableReplicas(allRSs);
        if (available <= minAvailable)
        {
            return 0;
        }
        var total = 0;
        var wanted = available - minAvailable;
        foreach (var rs in ReplicaSetLists.ByCreation(oldRSs))
        {
            if (total >= wanted)
            {
                break;
            }
            var replicas = rs.Spec?.Replicas ?? 0;
            if (replicas == 0)
            {
                continue;
            }
            var count = Math.Min(replicas, wanted - total);
            await ScaleReplicaSetAsync(rs, replicas - count, d, ct);
            total += count;
        }
        return total;
    }
}
