using System.Runtime.ExceptionServices;
using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Selectors;
using Axolotl.Client;
using Axolotl.Client.Events;
using Axolotl.Controllers.Runtime;
using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.ReplicaSets;

/// <summary>
/// Keeps the number of pods of one ReplicaSet (or ReplicationController) at spec.replicas
/// (upstream syncReplicaSet). The steps, in order:
/// 1. the owner is gone from the cache: forget its expectations, done;
/// 2. parse the selector (an invalid one is logged and left alone);
/// 3. claim the active pods of the namespace: keep, adopt orphans that match, release owned ones that don't;
/// 4. only when the expectations of earlier creates/deletes have been observed, and the owner is not
///    being deleted: create the missing pods in slow-start batches or delete the surplus, cheapest first;
/// 5. always write the status computed from the claimed pods (ReplicaFailure while creates or deletes fail);
/// 6. rethrow a failure of step 4 so the queue retries with backoff; otherwise look again when a ready
///    pod's minReadySeconds run out.
/// </summary>
public sealed class ReplicaSetReconciler<TOwner> : IReconciler<ObjectKey>
    where TOwner : KubeObject
{
    private readonly KubeClient _client;
    private readonly ReplicaKind<TOwner> _kind;
    private readonly IObjectCache<TOwner> _owners;
    private readonly IObjectCache<Pod> _pods;
    private readonly ControllerExpectations _expectations;
    private readonly EventRecorder _events;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ReplicaSetControllerOptions _options;

    public ReplicaSetReconciler(KubeClient client, ReplicaKind<TOwner> kind, IObjectCache<TOwner> owners, IObjectCache<Pod> pods,
        ControllerExpectations expectations, EventRecorder events, TimeProvider time, ILogger logger, ReplicaSetControllerOptions? options = null)
    {
        _client = client;
        _kind = kind;
        _owners = owners;
        _pods = pods;
        _expectations = expectations;
        _events = events;
        _time = time;
        _logger = logger;
        _options = options ?? new ReplicaSetControllerOptions();
    }

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken ct)
    {
        var keyText = key.ToString();
        var owner = _owners.Get(key.Namespace, key.Name);
        if (owner is null)
        {
            _expectations.Delete(keyText);
            return ReconcileResult.Done;
        }
        ParsedLabelSelector selector;
        try
        {
            selector = _kind.Selector(owner);
        }
        catch (FormatException e)
        {
            ReplicaSetLog.InvalidSelector(_logger, e, _kind.Resource.Kind, key.Namespace, key.Name);
            return ReconcileResult.Done;
        }

        var needsSync = _expectations.Satisfied(keyText);
        var active = _pods.List(key.Namespace).Where(PodState.IsActive).ToList();
        var claimed = await new ControllerRefManager<Pod>(_client, owner, _kind.Resource, selector).ClaimAsync(active, ct);

        Exception? manageError = null;
        if (needsSync && owner.Metadata.DeletionTimestamp is null)
        {
            manageError = await ManageReplicasAsync(owner, keyText, claimed, ct);
        }

        var now = _time.GetUtcNow();
        var minReadySeconds = _kind.MinReadySeconds(owner);
        var current = _kind.Status(owner);
        var next = ReplicaSetStatuses.Calculate(current, _kind.Template(owner), _kind.Replicas(owner), minReadySeconds, claimed, manageError, now);
        await UpdateStatusAsync(owner, current, next, ct);
        if (manageError is not null)
        {
            ExceptionDispatchInfo.Throw(manageError);
        }

        // A ready pod becomes available only after minReadySeconds, and nothing else will say when.
        var becomesAvailable = claimed.Select(p => PodState.BecomesAvailableAt(p, minReadySeconds, now)).Where(t => t is not null).Min();
        return becomesAvailable is { } at
            ? ReconcileResult.RequeueAfter((at > now ? at - now : TimeSpan.Zero) + TimeSpan.FromSeconds(1))
            : ReconcileResult.Done;
    }

    /// <summary>Creates or deletes pods to reach spec.replicas; returns the failure instead of throwing so the status can report it.</summary>
    private async Task<Exception?> ManageReplicasAsync(TOwner owner, string key, List<Pod> claimed, CancellationToken ct)
    {
        var desired = _kind.Replicas(owner);
        var diff = claimed.Count - desired;
        if (diff < 0)
        {
            var count = Math.Min(-diff, _options.BurstReplicas);
            var template = _kind.Template(owner);
            if (template is null)
            {
                return new InvalidOperationException($"{_kind.Resource.Kind} {owner.Metadata.Namespace}/{owner.Metadata.Name} has no pod template");
            }
            ReplicaSetLog.TooFewReplicas(_logger, _kind.Resource.Kind, owner.Metadata.Namespace, owner.Metadata.Name, claimed.Count, desired, count);
            // Expect them all before the first create: the watch may deliver a pod before the POST returns.
            _expectations.ExpectCreations(key, count);
            var controllerRef = ControllerRefs.NewControllerRef(owner, _kind.Resource);
            var (successes, error) = await SlowStart.RunAsync(count, c => CreatePodAsync(owner, template, controllerRef, c), ct);
            // Creates that failed or were never tried will not show up in the informer.
            for (var skipped = count - successes; skipped > 0; skipped--)
            {
                _expectations.CreationObserved(key);
            }
            return error;
        }
        if (diff > 0)
        {
            var count = Math.Min(diff, _options.BurstReplicas);
            ReplicaSetLog.TooManyReplicas(_logger, _kind.Resource.Kind, owner.Metadata.Namespace, owner.Metadata.Name, claimed.Count, desired, count);
            var victims = PodsToDelete.Select(claimed, RelatedPods(owner), count, _time.GetUtcNow());
            _expectations.ExpectDeletions(key, victims.Select(PodState.Key));
            var failures = await Task.WhenAll(victims.Select(p => DeletePodAsync(owner, key, p, ct)));
            return failures.FirstOrDefault(f => f is not null);
        }
        return null;
    }

    private async Task CreatePodAsync(TOwner owner, PodTemplateSpec template, OwnerReference controllerRef, CancellationToken ct)
    {
        var pod = PodTemplates.NewPod(template, owner, controllerRef);
        if (pod.Metadata.Labels is null or { Count: 0 })
        {
            throw new InvalidOperationException("unable to create pods, no labels");
        }
        Pod created;
        try
        {
            created = await _client.CreateAsync(pod, ct);
        }
        catch (KubeApiException e) when (NamespaceTermination.Is(e))
        {
            // Every create will fail until the namespace is gone; that is nobody's error.
            return;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            _events.Record(owner, EventRecorder.Warning, "FailedCreate", $"Error creating: {e.Message}");
            throw;
        }
        _events.Record(owner, EventRecorder.Normal, "SuccessfulCreate", $"Created pod: {created.Metadata.Name}");
    }

    private async Task<Exception?> DeletePodAsync(TOwner owner, string key, Pod pod, CancellationToken ct)
    {
        var name = pod.Metadata.Name ?? "";
        try
        {
            await _client.DeleteAsync<Pod>(pod.Metadata.Namespace, name, new DeleteOptions { Preconditions = new Preconditions { Uid = pod.Metadata.Uid } }, ct);
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            // Already gone: its deletion will never be observed as ours.
            _expectations.DeletionObserved(key, PodState.Key(pod));
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            _expectations.DeletionObserved(key, PodState.Key(pod));
            _events.Record(owner, EventRecorder.Warning, "FailedDelete", $"Error deleting: {e.Message}");
            return new InvalidOperationException($"unable to delete pods: {e.Message}", e);
        }
        _events.Record(owner, EventRecorder.Normal, "SuccessfulDelete", $"Deleted pod: {name}");
        return null;
    }

    /// <summary>
    /// The pods of the whole workload: this owner's and those of owners controlled by the same
    /// controller (the other ReplicaSets of a Deployment), used to spread scale-downs over nodes.
    /// </summary>
    private List<Pod> RelatedPods(TOwner owner)
    {
        var ns = owner.Metadata.Namespace;
        var owners = new HashSet<string>(StringComparer.Ordinal) { owner.Metadata.Uid ?? "" };
        if (ControllerRefs.ControllerOf(owner)?.Uid is { } parent)
        {
            owners.UnionWith(_owners.List(ns).Where(o => ControllerRefs.ControllerOf(o)?.Uid == parent).Select(o => o.Metadata.Uid ?? ""));
        }
        return _pods.List(ns).Where(p => ControllerRefs.ControllerOf(p)?.Uid is { } uid && owners.Contains(uid)).ToList();
    }

    /// <summary>Writes the status unless nothing changed; a conflict is retried once on a fresh read (upstream statusUpdateRetries).</summary>
    private async Task UpdateStatusAsync(TOwner owner, ReplicaSetStatus current, ReplicaSetStatus next, CancellationToken ct)
    {
        var generation = owner.Metadata.Generation ?? 0;
        if (!ReplicaSetStatuses.NeedsUpdate(current, next, generation))
        {
            return;
        }
        next.ObservedGeneration = generation;
        var resource = _client.Resource<TOwner>(_kind.Resource);
        var copy = owner.DeepCopy();
        _kind.SetStatus(copy, next);
        try
        {
            await resource.UpdateStatusAsync(copy, ct);
        }
        catch (KubeApiException e) when (e.IsConflict)
        {
            var fresh = await resource.GetAsync(owner.Metadata.Namespace, owner.Metadata.Name ?? "", ct);
            _kind.SetStatus(fresh, next);
            await resource.UpdateStatusAsync(fresh, ct);
        }
    }
}
