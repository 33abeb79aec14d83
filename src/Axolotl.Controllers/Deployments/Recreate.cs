using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Controllers.Runtime;

namespace Axolotl.Controllers.Deployments;

/// <summary>
/// The Recreate strategy (upstream recreate.go): every old pod goes before any new one starts.
/// 1. scale every old ReplicaSet to 0;
/// 2. wait while any old pod still exists in a non-terminal phase (terminating ones included), or an
///    old ReplicaSet still reports pods;
/// 3. create the new ReplicaSet (only now, so nothing scales up early) at full size;
/// 4. once complete, delete history beyond revisionHistoryLimit.
/// </summary>
public sealed partial class DeploymentReconciler
{
    private async Task<ReconcileResult> RolloutRecreateAsync(Deployment d, List<ReplicaSet> rsList, Dictionary<string, List<Pod>> podMap, CancellationToken ct)
    {
        var (newRS, oldRSs) = await GetAllReplicaSetsAndSyncRevisionAsync(d, rsList, createIfNotExisted: false, ct);
        List<ReplicaSet?> allRSs = [.. oldRSs, newRS];

        var scaledDown = false;
        foreach (var old in ReplicaSetLists.Active(oldRSs))
        {
            var (scaled, _) = await ScaleReplicaSetAsync(old, 0, d, ct);
            scaledDown |= scaled;
        }
        if (scaledDown || OldPodsRunning(newRS, oldRSs, podMap))
        {
            return await SyncRolloutStatusAsync(allRSs, newRS, d, ct);
        }

        if (newRS is null)
        {
            (newRS, oldRSs) = await GetAllReplicaSetsAndSyncRevisionAsync(d, rsList, createIfNotExisted: true, ct);
            allRSs = [.. oldRSs, newRS];
        }
        await ScaleReplicaSetAsync(newRS!, RolloutMath.Replicas(d), d, ct);
        if (RolloutMath.DeploymentComplete(d, d.Status!))
        {
            await CleanupDeploymentAsync(oldRSs, d, ct);
        }
        return await SyncRolloutStatusAsync(allRSs, newRS, d, ct);
    }

    /// <summary>
    /// Old ReplicaSets still report pods, or a pod of one is in any phase but Succeeded or Failed (an
    /// Unknown pod may still be running somewhere, so it counts).
    /// </summary>
    private static bool OldPodsRunning(ReplicaSet? newRS, List<ReplicaSet> oldRSs, Dictionary<string, List<Pod>> podMap)
    {
        if (ReplicaSetLists.StatusReplicas(oldRSs) > 0)
        {
            return true;
        }
        return podMap
            .Where(p => newRS is null || p.Key != newRS.Metadata.Uid)
            .SelectMany(p => p.Value)
            .Any(pod => pod.Status?.Phase is not ("Succeeded" or "Failed"));
    }
}
