using System.Text.Json.Nodes;
using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Api.Scheme;
using Axolotl.Api.Selectors;
using Axolotl.Api.Serialization;
using Axolotl.Client;
using Axolotl.Client.Events;
using Axolotl.Controllers.ReplicaSets;
using Axolotl.Controllers.Runtime;
using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.Deployments;

/// <summary>
/// Rolls a Deployment's ReplicaSets towards its template (upstream syncDeployment). The decision
/// order, first match wins:
/// 1. the Deployment is gone: done;
/// 2. its selector selects everything: warn (SelectingAll) and do nothing else;
/// 3. claim its ReplicaSets (adopt matching orphans, release the ones that no longer match);
/// 4. it is being deleted: only refresh the status;
/// 5. it is paused (Progressing=Unknown DeploymentPaused): scale proportionally, clean up history, no rollout;
/// 6. Axolotl's auto-rollback: a rollout past its deadline goes back to the last fully available revision (Rollback.cs);
/// 7. spec.replicas changed (a scaling event): scale proportionally, no rollout (Sync.cs);
/// 8. roll out with the strategy: RollingUpdate (Rolling.cs) or Recreate (Recreate.cs), each ending in
///    the progress bookkeeping of Progress.cs.
/// The cached Deployment is copied once; the copy's status is changed in memory and written through
/// the status subresource, its revision annotation through a merge patch on metadata.
/// </summary>
public sealed partial class DeploymentReconciler : IReconciler<ObjectKey>
{
    /// <summary>The event reason of every replica count change on a ReplicaSet.</summary>
    public const string ScalingReplicaSet = "ScalingReplicaSet";

    private readonly KubeClient _client;
    private readonly IObjectCache<Deployment> _deployments;
    private readonly IObjectCache<ReplicaSet> _replicaSets;
    private readonly IObjectCache<Pod> _pods;
    private readonly EventRecorder _events;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public DeploymentReconciler(KubeClient client, IObjectCache<Deployment> deployments, IObjectCache<ReplicaSet> replicaSets, IObjectCache<Pod> pods,
        EventRecorder events, TimeProvider time, ILogger logger)
    {
        _client = client;
        _deployments = deployments;
        _replicaSets = replicaSets;
        _pods = pods;
        _events = events;
        _time = time;
        _logger = logger;
    }

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken ct)
    {
        var cached = _deployments.Get(key.Namespace, key.Name);
        if (cached?.Spec is null)
        {
            return ReconcileResult.Done;
        }
        var d = cached.DeepCopy();
        d.Status ??= new DeploymentStatus();

        if (d.Spec!.Selector is { } everything && (everything.MatchLabels?.Count ?? 0) == 0 && (everything.MatchExpressions?.Count ?? 0) == 0)
        {
            _events.Record(d, EventRecorder.Warning, "SelectingAll", "This deployment is selecting all pods. A non-empty selector is required.");
            if ((d.Status.ObservedGeneration ?? 0) < (d.Metadata.Generation ?? 0))
            {
                d.Status.ObservedGeneration = d.Metadata.Generation;
                await WriteStatusAsync(d, ct);
            }
            return ReconcileResult.Done;
        }
        ParsedLabelSelector selector;
        try
        {
            selector = ParsedLabelSelector.FromModel(d.Spec.Selector);
        }
        catch (FormatException e)
        {
            DeploymentLog.InvalidSelector(_logger, e, key.Namespace, key.Name);
            return ReconcileResult.Done;
        }

        var rsList = await ClaimReplicaSetsAsync(d, selector, ct);
        var podMap = PodsByReplicaSet(d, selector, rsList);

        if (d.Metadata.DeletionTimestamp is not null)
        {
            await SyncStatusOnlyAsync(d, rsList, ct);
            return ReconcileResult.Done;
        }

        await CheckPausedConditionsAsync(d, ct);
        if (d.Spec.Paused == true)
        {
            await SyncAsync(d, rsList, ct);
            return ReconcileResult.Done;
        }

        if (await AutoRollbackAsync(d, rsList, ct))
        {
            // The template changed; the update wakes this Deployment again to roll forward to it.
            return ReconcileResult.Done;
        }

        if (await IsScalingEventAsync(d, rsList, ct))
        {
            await SyncAsync(d, rsList, ct);
            return ReconcileResult.Done;
        }

        return RolloutMath.StrategyType(d) switch
        {
            RolloutMath.Recreate => await RolloutRecreateAsync(d, rsList, podMap, ct),
            RolloutMath.RollingUpdate => await RolloutRollingAsync(d, rsList, ct),
            var other => throw new InvalidOperationException($"unexpected deployment strategy type: {other}"),
        };
    }

    /// <summary>The ReplicaSets of the namespace this Deployment controls, after adopting and releasing by selector.</summary>
    private Task<List<ReplicaSet>> ClaimReplicaSetsAsync(Deployment d, ParsedLabelSelector selector, CancellationToken ct) =>
        new ControllerRefManager<ReplicaSet>(_client, d, KnownResources.Deployments, selector)
            .ClaimAsync(_replicaSets.List(d.Metadata.Namespace), ct);

    /// <summary>The selected pods, grouped by the UID of the claimed ReplicaSet that controls them (empty groups included).</summary>
    private Dictionary<string, List<Pod>> PodsByReplicaSet(Deployment d, ParsedLabelSelector selector, List<ReplicaSet> rsList)
    {
        var map = rsList.ToDictionary(rs => rs.Metadata.Uid ?? "", _ => new List<Pod>(), StringComparer.Ordinal);
        foreach (var pod in _pods.List(d.Metadata.Namespace))
        {
            if (selector.Matches(pod.Metadata.Labels) && ControllerRefs.ControllerOf(pod)?.Uid is { } uid && map.TryGetValue(uid, out var pods))
            {
                pods.Add(pod);
            }
        }
        return map;
    }

    /// <summary>
    /// True when an active ReplicaSet was last scaled for a different spec.replicas than the Deployment
    /// has now: the user scaled, and the change is applied proportionally instead of as a rollout step.
    /// </summary>
    private async Task<bool> IsScalingEventAsync(Deployment d, List<ReplicaSet> rsList, CancellationToken ct)
    {
        var (newRS, oldRSs) = await GetAllReplicaSetsAndSyncRevisionAsync(d, rsList, createIfNotExisted: false, ct);
        return ReplicaSetLists.Active([.. oldRSs, newRS])
            .Any(rs => Revisions.DesiredReplicas(rs) is { } desired && desired != RolloutMath.Replicas(d));
    }

    /// <summary>Writes d's status through the status subresource and takes the new resourceVersion.</summary>
    private async Task WriteStatusAsync(Deployment d, CancellationToken ct)
    {
        var written = await _client.UpdateStatusAsync(d, ct);
        d.Metadata.ResourceVersion = written.Metadata.ResourceVersion;
    }

    /// <summary>
    /// Puts the revision annotation on the Deployment (the status subresource does not carry metadata
    /// here, so it is a merge patch guarded by the resourceVersion). False when it already had it.
    /// </summary>
    private async Task<bool> SetDeploymentRevisionAsync(Deployment d, string revision, CancellationToken ct)
    {
        if (d.Metadata.Annotations?.GetValueOrDefault(DeploymentAnnotations.Revision) == revision)
        {
            return false;
        }
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["resourceVersion"] = d.Metadata.ResourceVersion,
                ["annotations"] = new JsonObject { [DeploymentAnnotations.Revision] = revision },
            },
        };
        var patched = await _client.Resource<Deployment>().PatchAsync(d.Metadata.Namespace, d.Metadata.Name ?? "", PatchType.Merge, patch, ct);
        d.Metadata.Annotations = patched.Metadata.Annotations;
        d.Metadata.ResourceVersion = patched.Metadata.ResourceVersion;
        return true;
    }

    private static bool SameStatus(DeploymentStatus? a, DeploymentStatus? b) =>
        JsonNode.DeepEquals(KubeJson.ToNode(a ?? new DeploymentStatus()), KubeJson.ToNode(b ?? new DeploymentStatus()));
}
