using System.Globalization;
using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.Client;
using Axolotl.Client.Events;
using Axolotl.Controllers.ReplicaSets;

namespace Axolotl.Controllers.Deployments;

/// <summary>
/// Scaling, revisions, history cleanup and status (upstream sync.go): what every path of the
/// Deployment controller shares.
/// </summary>
public sealed partial class DeploymentReconciler
{
    /// <summary>Being deleted: refresh the status from the ReplicaSets, change nothing else.</summary>
    private async Task SyncStatusOnlyAsync(Deployment d, List<ReplicaSet> rsList, CancellationToken ct)
    {
        var (newRS, oldRSs) = await GetAllReplicaSetsAndSyncRevisionAsync(d, rsList, createIfNotExisted: false, ct);
        await SyncDeploymentStatusAsync([.. oldRSs, newRS], newRS, d, ct);
    }

    /// <summary>Paused or scaled: resize the ReplicaSets proportionally without rolling, then refresh the status.</summary>
    private async Task SyncAsync(Deployment d, List<ReplicaSet> rsList, CancellationToken ct)
    {
        var (newRS, oldRSs) = await GetAllReplicaSetsAndSyncRevisionAsync(d, rsList, createIfNotExisted: false, ct);
        await ScaleAsync(d, newRS, oldRSs, ct);
        if (d.Spec!.Paused == true)
        {
            await CleanupDeploymentAsync(oldRSs, d, ct);
        }
        await SyncDeploymentStatusAsync([.. oldRSs, newRS], newRS, d, ct);
    }

    /// <summary>
    /// Marks pausing and resuming in the Progressing condition (Unknown), so that the time spent paused
    /// never counts against the progress deadline. A timed-out rollout keeps its condition.
    /// </summary>
    private async Task CheckPausedConditionsAsync(Deployment d, CancellationToken ct)
    {
        if (!RolloutMath.HasProgressDeadline(d))
        {
            return;
        }
        var condition = DeploymentConditions.Get(d.Status, DeploymentConditions.Progressing);
        if (condition?.Reason == DeploymentConditions.ProgressDeadlineExceeded)
        {
            return;
        }
        var pausedRecorded = condition?.Reason == DeploymentConditions.DeploymentPaused;
        var now = _time.GetUtcNow();
        if (d.Spec!.Paused == true && !pausedRecorded)
        {
            DeploymentConditions.Set(d.Status!, DeploymentConditions.New(DeploymentConditions.Progressing, "Unknown", DeploymentConditions.DeploymentPaused, "Deployment is paused", now));
        }
        else if (d.Spec.Paused != true && pausedRecorded)
        {
            DeploymentConditions.Set(d.Status!, DeploymentConditions.New(DeploymentConditions.Progressing, "Unknown", DeploymentConditions.DeploymentResumed, "Deployment is resumed", now));
        }
        else
        {
            return;
        }
        await WriteStatusAsync(d, ct);
    }

    /// <summary>
    /// The new ReplicaSet (created when asked and missing) and all the others. The new one's revision
    /// becomes max(old revisions) + 1, which is how a rollback renumbers the revision it restores, and
    /// the Deployment's revision annotation follows it.
    /// </summary>
    private async Task<(ReplicaSet? New, List<ReplicaSet> Old)> GetAllReplicaSetsAndSyncRevisionAsync(Deployment d, List<ReplicaSet> rsList, bool createIfNotExisted, CancellationToken ct)
    {
        var oldRSs = ReplicaSetLists.FindOld(d, rsList);
        var newRS = await GetNewReplicaSetAsync(d, rsList, oldRSs, createIfNotExisted, ct);
        return (newRS, oldRSs);
    }

    private async Task<ReplicaSet?> GetNewReplicaSetAsync(Deployment d, List<ReplicaSet> rsList, List<ReplicaSet> oldRSs, bool createIfNotExisted, CancellationToken ct)
    {
        var existing = ReplicaSetLists.FindNew(d, rsList);
        var newRevision = (Revisions.Max(oldRSs) + 1).ToString(CultureInfo.InvariantCulture);
        var now = _time.GetUtcNow();

        if (existing is not null)
        {
            var copy = existing.DeepCopy();
            var annotationsUpdated = Revisions.SetNewReplicaSetAnnotations(d, copy, newRevision, exists: true);
            if (annotationsUpdated || (copy.Spec!.MinReadySeconds ?? 0) != (d.Spec!.MinReadySeconds ?? 0))
            {
                copy.Spec!.MinReadySeconds = d.Spec!.MinReadySeconds;
                var updated = await _client.UpdateAsync(copy, ct);
                // Later steps of this sync see the stored version, not the stale cached one.
                rsList[rsList.FindIndex(rs => rs.Metadata.Uid == updated.Metadata.Uid)] = updated;
                // The Deployment's revision follows on the next sync, woken by this update.
                return updated;
            }
            await SetDeploymentRevisionAsync(d, copy.Metadata.Annotations?.GetValueOrDefault(DeploymentAnnotations.Revision) ?? newRevision, ct);
            if (RolloutMath.HasProgressDeadline(d) && DeploymentConditions.Get(d.Status, DeploymentConditions.Progressing) is null)
            {
                // First time anyone estimates progress for this rollout: start counting now.
                DeploymentConditions.Set(d.Status!, DeploymentConditions.New(DeploymentConditions.Progressing, "True", DeploymentConditions.FoundNewReplicaSet,
                    $"Found new replica set \"{copy.Metadata.Name}\"", now));
                await WriteStatusAsync(d, ct);
            }
            return copy;
        }
        if (!createIfNotExisted)
        {
            return null;
        }

        var newRS = NewReplicaSetFor(d);
        newRS.Spec!.Replicas = RolloutMath.NewReplicaSetReplicas(d, [.. oldRSs, newRS], newRS);
        Revisions.SetNewReplicaSetAnnotations(d, newRS, newRevision, exists: false);
        var name = newRS.Metadata.Name!;
        ReplicaSet created;
        var alreadyExists = false;
        try
        {
            created = await _client.CreateAsync(newRS, ct);
        }
        catch (KubeApiException e) when (e.IsAlreadyExists)
        {
            // A slow cache, or a hash collision with a ReplicaSet that is not ours.
            var found = await _client.Resource<ReplicaSet>().GetAsync(d.Metadata.Namespace, name, ct);
            if (ControllerRefs.ControllerOf(found)?.Uid != d.Metadata.Uid || found.Spec is null || !PodTemplateHash.EqualIgnoreHash(d.Spec!.Template, found.Spec.Template))
            {
                d.Status!.CollisionCount = (d.Status.CollisionCount ?? 0) + 1;
                await WriteStatusAsync(d, ct);
                DeploymentLog.HashCollision(_logger, d.Metadata.Namespace, d.Metadata.Name, name, d.Status.CollisionCount.Value);
                throw;
            }
            created = found;
            alreadyExists = true;
        }
        catch (KubeApiException e) when (NamespaceTermination.Is(e))
        {
            // Nothing to report: every create in this namespace fails until it is gone.
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var message = $"Failed to create new replica set \"{name}\": {e.Message}";
            if (RolloutMath.HasProgressDeadline(d))
            {
                DeploymentConditions.Set(d.Status!, DeploymentConditions.New(DeploymentConditions.Progressing, "False", DeploymentConditions.FailedRSCreate, message, now));
                try
                {
                    await WriteStatusAsync(d, ct);
                }
                catch (KubeApiException)
                {
                    // The failed create is the bigger problem to report.
                }
            }
            _events.Record(d, EventRecorder.Warning, DeploymentConditions.FailedRSCreate, message);
            throw;
        }
        var replicas = created.Spec?.Replicas ?? 0;
        if (!alreadyExists && replicas > 0)
        {
            _events.Record(d, EventRecorder.Normal, ScalingReplicaSet, $"Scaled up replica set {created.Metadata.Name} from 0 to {replicas}");
        }
        await SetDeploymentRevisionAsync(d, newRevision, ct);
        if (!alreadyExists && RolloutMath.HasProgressDeadline(d))
        {
            DeploymentConditions.Set(d.Status!, DeploymentConditions.New(DeploymentConditions.Progressing, "True", DeploymentConditions.NewReplicaSetCreated,
                $"Created new replica set \"{created.Metadata.Name}\"", now));
            await WriteStatusAsync(d, ct);
        }
        return created;
    }

    /// <summary>
    /// The ReplicaSet for the current template: named &lt;deployment&gt;-&lt;hash&gt;, with the hash in its
    /// labels, selector and pod labels, and controlled by the Deployment.
    /// </summary>
    private static ReplicaSet NewReplicaSetFor(Deployment d)
    {
        var hash = PodTemplateHash.Compute(d.Spec!.Template, d.Status?.CollisionCount);
        var template = d.Spec.Template.DeepCopy();
        template.Metadata.Labels = new Dictionary<string, string>(template.Metadata.Labels ?? [], StringComparer.Ordinal)
        {
            [DeploymentAnnotations.PodTemplateHashLabel] = hash,
        };
        var selector = (d.Spec.Selector ?? new Api.Core.LabelSelector()).DeepCopy();
        selector.MatchLabels = new Dictionary<string, string>(selector.MatchLabels ?? [], StringComparer.Ordinal)
        {
            [DeploymentAnnotations.PodTemplateHashLabel] = hash,
        };
        return new ReplicaSet
        {
            ApiVersion = "apps/v1",
            Kind = "ReplicaSet",
            Metadata = new ObjectMeta
            {
                Name = $"{d.Metadata.Name}-{hash}",
                Namespace = d.Metadata.Namespace,
                Labels = new Dictionary<string, string>(template.Metadata.Labels, StringComparer.Ordinal),
                OwnerReferences = [ControllerRefs.NewControllerRef(d, KnownResources.Deployments)],
            },
            Spec = new ReplicaSetSpec
            {
                Replicas = 0,
                MinReadySeconds = d.Spec.MinReadySeconds,
                Selector = selector,
                Template = template,
            },
        };
    }

    /// <summary>
    /// Scales without rolling (upstream scale): one active ReplicaSet takes all replicas; a saturated new
    /// one leaves nothing to the old ones; otherwise, for RollingUpdate, the difference to
    /// replicas + maxSurge is shared out in proportion to size (larger first; newer first when growing,
    /// older first when shrinking), the rounding leftover going to the first.
    /// </summary>
    private async Task ScaleAsync(Deployment d, ReplicaSet? newRS, List<ReplicaSet> oldRSs, CancellationToken ct)
    {
        var desired = RolloutMath.Replicas(d);
        if (ReplicaSetLists.FindActiveOrLatest(newRS, oldRSs) is { } only)
        {
            if ((only.Spec?.Replicas ?? 0) != desired)
            {
                await ScaleReplicaSetAsync(only, desired, d, ct);
            }
            return;
        }
        if (RolloutMath.IsSaturated(d, newRS))
        {
            foreach (var old in ReplicaSetLists.Active(oldRSs))
            {
                await ScaleReplicaSetAsync(old, 0, d, ct);
            }
            return;
        }
        if (!RolloutMath.IsRollingUpdate(d))
        {
            return;
        }
        var active = ReplicaSetLists.Active([.. oldRSs, newRS]);
        var allowed = desired > 0 ? desired + RolloutMath.MaxSurge(d) : 0;
        var toAdd = allowed - ReplicaSetLists.SpecReplicas(active);
        var ordered = toAdd switch
        {
            > 0 => ReplicaSetLists.BySizeNewer(active),
            < 0 => ReplicaSetLists.BySizeOlder(active),
            _ => active,
        };
        var added = 0;
        var sizes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var rs in ordered)
        {
            var proportion = RolloutMath.Proportion(rs, d, toAdd, added);
            sizes[rs.Metadata.Name!] = (rs.Spec?.Replicas ?? 0) + proportion;
            added += proportion;
        }
        for (var i = 0; i < ordered.Count; i++)
        {
            var rs = ordered[i];
            if (i == 0 && toAdd != 0)
            {
                sizes[rs.Metadata.Name!] = Math.Max(0, sizes[rs.Metadata.Name!] + toAdd - added);
            }
            await ScaleReplicaSetAsync(rs, sizes[rs.Metadata.Name!], d, ct);
        }
    }

    /// <summary>
    /// Sets a ReplicaSet's size and replica annotations (one update), with a ScalingReplicaSet event
    /// when the size changed. Returns whether it scaled and the ReplicaSet as now stored.
    /// </summary>
    private async Task<(bool Scaled, ReplicaSet Rs)> ScaleReplicaSetAsync(ReplicaSet rs, int newScale, Deployment d, CancellationToken ct)
    {
        var oldScale = rs.Spec?.Replicas ?? 0;
        var desired = RolloutMath.Replicas(d);
        var max = desired + RolloutMath.MaxSurge(d);
        var sizeChanged = oldScale != newScale;
        if (!sizeChanged && !Revisions.ReplicasAnnotationsNeedUpdate(rs, desired, max))
        {
            return (false, rs);
        }
        var copy = rs.DeepCopy();
        copy.Spec!.Replicas = newScale;
        Revisions.SetReplicasAnnotations(copy, desired, max);
        var updated = await _client.UpdateAsync(copy, ct);
        if (sizeChanged)
        {
            var direction = oldScale < newScale ? "up" : "down";
            _events.Record(d, EventRecorder.Normal, ScalingReplicaSet, $"Scaled {direction} replica set {rs.Metadata.Name} from {oldScale} to {newScale}");
        }
        return (sizeChanged, updated);
    }

    /// <summary>
    /// Deletes the oldest old ReplicaSets beyond revisionHistoryLimit, skipping any that still have
    /// pods, are being deleted, or whose latest spec their controller has not observed yet.
    /// </summary>
    private async Task CleanupDeploymentAsync(List<ReplicaSet> oldRSs, Deployment d, CancellationToken ct)
    {
        if (!RolloutMath.HasRevisionHistoryLimit(d))
        {
            return;
        }
        var cleanable = oldRSs.Where(rs => rs.Metadata.DeletionTimestamp is null).ToList();
        var surplus = cleanable.Count - d.Spec!.RevisionHistoryLimit!.Value;
        if (surplus <= 0)
        {
            return;
        }
        foreach (var rs in ReplicaSetLists.ByRevision(cleanable).Take(surplus))
        {
            if ((rs.Status?.Replicas ?? 0) != 0 || (rs.Spec?.Replicas ?? 0) != 0 ||
                (rs.Metadata.Generation ?? 0) > (rs.Status?.ObservedGeneration ?? 0))
            {
                continue;
            }
            DeploymentLog.CleaningUp(_logger, d.Metadata.Namespace, d.Metadata.Name, rs.Metadata.Name);
            try
            {
                await _client.DeleteAsync<ReplicaSet>(rs.Metadata.Namespace, rs.Metadata.Name ?? "", new DeleteOptions
                {
                    PropagationPolicy = PropagationPolicy.Background,
                    Preconditions = new Preconditions { Uid = rs.Metadata.Uid },
                }, ct);
            }
            catch (KubeApiException e) when (e.IsNotFound)
            {
                // Gone already.
            }
        }
    }

    /// <summary>Writes the status computed from the ReplicaSets when it differs (no progress estimate).</summary>
    private async Task SyncDeploymentStatusAsync(List<ReplicaSet?> allRSs, ReplicaSet? newRS, Deployment d, CancellationToken ct)
    {
        var status = CalculateStatus(allRSs, newRS, d);
        if (SameStatus(d.Status, status))
        {
            return;
        }
        d.Status = status;
        await WriteStatusAsync(d, ct);
    }

    /// <summary>
    /// Counts over all ReplicaSets (updated = the new one's), existing conditions carried over, and
    /// Available set from whether at least replicas - maxUnavailable pods are available.
    /// </summary>
    private DeploymentStatus CalculateStatus(List<ReplicaSet?> allRSs, ReplicaSet? newRS, Deployment d)
    {
        var available = ReplicaSetLists.AvailableReplicas(allRSs);
        var total = ReplicaSetLists.SpecReplicas(allRSs);
        var status = new DeploymentStatus
        {
            ObservedGeneration = d.Metadata.Generation,
            // Zero counts are left out, as upstream's omitempty does.
            Replicas = ReplicaSetStatuses.NullIfZero(ReplicaSetLists.StatusReplicas(allRSs)),
            UpdatedReplicas = ReplicaSetStatuses.NullIfZero(ReplicaSetLists.StatusReplicas([newRS])),
            ReadyReplicas = ReplicaSetStatuses.NullIfZero(ReplicaSetLists.ReadyReplicas(allRSs)),
            AvailableReplicas = ReplicaSetStatuses.NullIfZero(available),
            UnavailableReplicas = ReplicaSetStatuses.NullIfZero(Math.Max(0, total - available)),
            CollisionCount = d.Status?.CollisionCount,
            Conditions = d.Status?.Conditions?.ToList(),
            ExtensionData = d.Status?.ExtensionData,
        };
        var now = _time.GetUtcNow();
        if (available >= RolloutMath.Replicas(d) - RolloutMath.MaxUnavailable(d))
        {
            DeploymentConditions.Set(status, DeploymentConditions.New(DeploymentConditions.Available, "True", DeploymentConditions.MinimumReplicasAvailable,
                "Deployment has minimum availability.", now));
        }
        else
        {
            DeploymentConditions.Set(status, DeploymentConditions.New(DeploymentConditions.Available, "False", DeploymentConditions.MinimumReplicasUnavailable,
                "Deployment does not have minimum availability.", now));
        }
        return status;
    }
}
