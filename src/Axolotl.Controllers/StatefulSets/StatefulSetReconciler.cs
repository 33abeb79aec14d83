using System.Runtime.ExceptionServices;
using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.Api.Selectors;
using Axolotl.Api.Validation;
using Axolotl.Client;
using Axolotl.Client.Events;
using Axolotl.Controllers.Deployments;
using Axolotl.Controllers.History;
using Axolotl.Controllers.ReplicaSets;
using Axolotl.Controllers.Runtime;
using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.StatefulSets;

/// <summary>
/// Upstream syncStatefulSet for one StatefulSet: claim its member pods, make sure the template has its
/// ControllerRevision (the update revision; the current one is status.currentRevision), carry out
/// <see cref="StatefulSetPlan"/> (claims before pods, events as upstream words them), trim the history
/// and always write the status. No expectations are needed: pod names are fixed, so a stale cache can
/// at worst make a create answer AlreadyExists.
/// </summary>
public sealed class StatefulSetReconciler(
    KubeClient client,
    IObjectCache<StatefulSet> statefulSets,
    IObjectCache<Pod> pods,
    IObjectCache<ControllerRevision> revisions,
    IObjectCache<PersistentVolumeClaim> claims,
    EventRecorder events,
    TimeProvider time,
    ILogger logger) : IReconciler<ObjectKey>
{
    private readonly ControllerHistory _history = new(client, revisions, KnownResources.StatefulSets);
    private readonly StatefulSetClaims _claims = new(client, claims, events);

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken ct)
    {
        var set = statefulSets.Get(key.Namespace, key.Name);
        if (set is null)
        {
            return ReconcileResult.Done;
        }
        ParsedLabelSelector selector;
        try
        {
            selector = ParsedLabelSelector.FromModel(set.Spec?.Selector);
        }
        catch (FormatException e)
        {
            StatefulSetLog.InvalidSelector(logger, e, key.Namespace, key.Name);
            return ReconcileResult.Done;
        }
        if (selector.IsEmpty)
        {
            return ReconcileResult.Done;
        }

        var candidates = pods.List(set.Metadata.Namespace).Where(p => StatefulPods.IsMemberOf(set, p)).ToList();
        var owned = await new ControllerRefManager<Pod>(client, set, KnownResources.StatefulSets, selector).ClaimAsync(candidates, ct);
        var template = set.Spec?.Template ?? new PodTemplateSpec();
        var hash = PodTemplateHash.Compute(template, set.Status?.CollisionCount);
        ControllerRevision update;
        if (set.Metadata.DeletionTimestamp is null)
        {
            update = await _history.EnsureCurrentAsync(set, template, hash, ct);
        }
        else
        {
            update = _history.Owned(set).LastOrDefault() ?? new ControllerRevision { Metadata = new ObjectMeta { Name = ControllerHistory.RevisionName(set.Metadata.Name ?? "", hash) } };
        }
        var updateName = update.Metadata.Name ?? "";
        var current = _history.Owned(set).FirstOrDefault(r => r.Metadata.Name == set.Status?.CurrentRevision) ?? update;
        var currentName = current.Metadata.Name ?? updateName;
        var now = time.GetUtcNow();

        var plan = StatefulSetPlan.Compute(set, owned, currentName, updateName, now);
        if (plan.WaitingFor is { } waiting)
        {
            StatefulSetLog.Waiting(logger, key.Namespace, key.Name, waiting);
        }
        Exception? error = null;
        try
        {
            await ApplyRetentionAsync(set, plan, ct);
            var currentTemplate = StatefulPods.TemplateOf(current) ?? template;
            foreach (var step in plan.Steps)
            {
                await ExecuteAsync(set, step, step.Revision == currentName ? currentTemplate : template, ct);
            }
            if (set.Metadata.DeletionTimestamp is null)
            {
                var live = owned.Select(StatefulPods.Revision).OfType<string>().Append(currentName).Append(updateName).ToHashSet(StringComparer.Ordinal);
                await _history.CleanupAsync(set, set.Spec?.RevisionHistoryLimit, live, ct);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            error = e;
        }

        await UpdateStatusAsync(set, StatefulSetPlan.Status(set, owned, currentName, updateName, now), ct);
        if (error is not null)
        {
            ExceptionDispatchInfo.Throw(error);
        }
        var minReady = set.Spec?.MinReadySeconds ?? 0;
        var next = owned.Select(p => PodState.BecomesAvailableAt(p, minReady, now)).OfType<DateTimeOffset>().DefaultIfEmpty().Min();
        return next == default ? ReconcileResult.Done : ReconcileResult.RequeueAfter((next > now ? next - now : TimeSpan.Zero) + TimeSpan.FromSeconds(1));
    }

    private async Task ApplyRetentionAsync(StatefulSet set, StatefulSetPlanResult plan, CancellationToken ct)
    {
        if (set.Spec?.VolumeClaimTemplates is not { Count: > 0 } || set.Metadata.DeletionTimestamp is not null)
        {
            return;
        }
        foreach (var pod in plan.Replicas.Where(p => !StatefulPods.IsTerminating(p)))
        {
            await _claims.SyncRetentionAsync(set, pod, scaledDown: false, ct);
        }
        foreach (var pod in plan.Condemned)
        {
            await _claims.SyncRetentionAsync(set, pod, scaledDown: true, ct);
        }
    }

    private async Task ExecuteAsync(StatefulSet set, StatefulStep step, PodTemplateSpec template, CancellationToken ct)
    {
        switch (step.Action)
        {
            case StatefulAction.Create:
                await CreateAsync(set, step, template, ct);
                break;
            case StatefulAction.FixIdentity:
                var copy = step.Pod!.DeepCopy();
                StatefulPods.ApplyIdentityLabels(copy, step.Ordinal);
                await client.UpdateAsync(copy, ct);
                break;
            default:
                await DeleteAsync(set, step.Pod!, ct);
                break;
        }
    }

    private async Task CreateAsync(StatefulSet set, StatefulStep step, PodTemplateSpec template, CancellationToken ct)
    {
        var pod = StatefulPods.NewPod(set, template, step.Revision ?? "", step.Ordinal);
        await _claims.EnsureAsync(set, step.Ordinal, pod.Metadata.Name ?? "", ct);
        try
        {
            await client.CreateAsync(pod, ct);
            events.Record(set, EventRecorder.Normal, "SuccessfulCreate", $"create Pod {pod.Metadata.Name} in StatefulSet {set.Metadata.Name} successful");
        }
        catch (KubeApiException e) when (e.IsAlreadyExists)
        {
            // The informer is behind: the pod exists, the next sync sees it.
        }
        catch (KubeApiException e) when (NamespaceTermination.Is(e))
        {
            // Every create fails until the namespace is gone; nobody's error.
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            events.Record(set, EventRecorder.Warning, "FailedCreate", $"create Pod {pod.Metadata.Name} in StatefulSet {set.Metadata.Name} failed error: {e.Message}");
            throw;
        }
    }

    private async Task DeleteAsync(StatefulSet set, Pod pod, CancellationToken ct)
    {
        try
        {
            await client.DeleteAsync<Pod>(pod.Metadata.Namespace, pod.Metadata.Name ?? "", new DeleteOptions { Preconditions = new Preconditions { Uid = pod.Metadata.Uid } }, ct);
            events.Record(set, EventRecorder.Normal, "SuccessfulDelete", $"delete Pod {pod.Metadata.Name} in StatefulSet {set.Metadata.Name} successful");
        }
        catch (KubeApiException e) when (e.IsNotFound || e.IsConflict)
        {
            // Gone already, or a new pod of that name took its place.
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            events.Record(set, EventRecorder.Warning, "FailedDelete", $"delete Pod {pod.Metadata.Name} in StatefulSet {set.Metadata.Name} failed error: {e.Message}");
            throw;
        }
    }

    private async Task UpdateStatusAsync(StatefulSet set, StatefulSetStatus next, CancellationToken ct)
    {
        if (set.Status is not null && SpecDiff.AreEqual(set.Status, next))
        {
            return;
        }
        var copy = set.DeepCopy();
        copy.Status = next;
        try
        {
            await client.UpdateStatusAsync(copy, ct);
        }
        catch (KubeApiException e) when (e.IsConflict)
        {
            var fresh = await client.GetAsync<StatefulSet>(set.Metadata.Namespace, set.Metadata.Name ?? "", ct);
            fresh.Status = next;
            await client.UpdateStatusAsync(fresh, ct);
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            // Deleted meanwhile.
        }
    }
}
