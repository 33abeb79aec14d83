using System.Runtime.ExceptionServices;
using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.Api.Selectors;
using Axolotl.Client;
using Axolotl.Client.Events;
using Axolotl.Controllers.Deployments;
using Axolotl.Controllers.ReplicaSets;
using Axolotl.Controllers.Runtime;
using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.DaemonSets;

/// <summary>
/// Upstream syncDaemonSet for one DaemonSet: make sure the current template has its ControllerRevision,
/// claim the pods, then (once earlier creates and deletes were observed) create and delete pods so each
/// eligible node runs one, let the RollingUpdate strategy replace old pods (OnDelete waits for the user),
/// trim the history, and always write the status.
/// </summary>
public sealed class DaemonSetReconciler(
    KubeClient client,
    IObjectCache<DaemonSet> daemonSets,
    IObjectCache<Pod> pods,
    IObjectCache<Node> nodes,
    IObjectCache<ControllerRevision> revisions,
    ControllerExpectations expectations,
    EventRecorder events,
    TimeProvider time,
    ILogger logger) : IReconciler<ObjectKey>
{
    private readonly DaemonSetHistory _history = new(client, revisions);

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken ct)
    {
        var keyText = key.ToString();
        var ds = daemonSets.Get(key.Namespace, key.Name);
        if (ds is null)
        {
            expectations.Delete(keyText);
            return ReconcileResult.Done;
        }
        ParsedLabelSelector selector;
        try
        {
            selector = ParsedLabelSelector.FromModel(ds.Spec?.Selector);
        }
        catch (FormatException e)
        {
            logger.LogWarning(e, "DaemonSet {Namespace}/{Name} has an invalid selector; leaving it alone", key.Namespace, key.Name);
            return ReconcileResult.Done;
        }
        if (selector.IsEmpty)
        {
            // Upstream: an empty selector would select every pod of the namespace.
            events.Record(ds, EventRecorder.Warning, "SelectingAll", "This daemon set is selecting all pods. A non-empty selector is required.");
            return ReconcileResult.Done;
        }

        var hash = PodTemplateHash.Compute(ds.Spec?.Template ?? new PodTemplateSpec(), ds.Status?.CollisionCount);
        if (ds.Metadata.DeletionTimestamp is null)
        {
            await _history.EnsureCurrentAsync(ds, hash, ct);
        }
        var candidates = pods.List(ds.Metadata.Namespace).Where(p => !(DaemonPods.IsTerminal(p) && p.Metadata.DeletionTimestamp is not null)).ToList();
        var claimed = await new ControllerRefManager<Pod>(client, ds, KnownResources.DaemonSets, selector).ClaimAsync(candidates, ct);
        var podsByNode = ByNode(claimed);
        var nodeList = nodes.List(null).OrderBy(n => n.Metadata.Name, StringComparer.Ordinal).ToList();
        var template = DaemonPods.Template(ds, hash);
        var now = time.GetUtcNow();

        Exception? error = null;
        if (expectations.Satisfied(keyText) && ds.Metadata.DeletionTimestamp is null)
        {
            var desired = nodeList.Count(n => NodeEligibility.Evaluate(n, template.Spec!).ShouldRun);
            var (surge, _) = RollingUpdate.IsRollingUpdate(ds) ? RollingUpdate.Limits(ds, desired) : (0, 0);
            var plan = DaemonSetPlan.Manage(ds, template.Spec!, nodeList, podsByNode, hash, surge > 0, now);
            foreach (var (pod, node) in plan.FailedPods)
            {
                events.Record(ds, EventRecorder.Warning, "FailedDaemonPod", $"Found failed daemon pod {pod.Metadata.Namespace}/{pod.Metadata.Name} on node {node}, will try to kill it");
            }
            var create = plan.NodesNeedingPods;
            var delete = plan.PodsToDelete;
            if (create.Count == 0 && delete.Count == 0 && RollingUpdate.IsRollingUpdate(ds))
            {
                (delete, create) = RollingUpdate.Plan(ds, podsByNode, hash, desired, now);
            }
            error = await SyncNodesAsync(ds, keyText, template, create, delete, ct);
            if (error is null)
            {
                await _history.CleanupAsync(ds, hash, claimed.Select(p => p.Metadata.Labels?.GetValueOrDefault(DaemonPods.ControllerRevisionHashLabel)), ct);
            }
        }

        var next = DaemonSetStatuses.Calculate(ds, template.Spec!, nodeList, podsByNode, hash, now);
        await UpdateStatusAsync(ds, next, ct);
        if (error is not null)
        {
            ExceptionDispatchInfo.Throw(error);
        }
        return DaemonSetStatuses.NextAvailability(ds, claimed, now) is { } at
            ? ReconcileResult.RequeueAfter((at > now ? at - now : TimeSpan.Zero) + TimeSpan.FromSeconds(1))
            : ReconcileResult.Done;
    }

    /// <summary>Pods grouped by the node they run on or are pinned to; terminal pods already being deleted are left out (upstream getNodesToDaemonPods).</summary>
    public static Dictionary<string, List<Pod>> ByNode(IEnumerable<Pod> pods)
    {
        var byNode = new Dictionary<string, List<Pod>>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            if (DaemonPods.TargetNode(pod) is not { } node)
            {
                continue;
            }
            if (!byNode.TryGetValue(node, out var list))
            {
                byNode[node] = list = [];
            }
            list.Add(pod);
        }
        return byNode;
    }

    private async Task<Exception?> SyncNodesAsync(DaemonSet ds, string key, PodTemplateSpec template, List<string> create, List<Pod> delete, CancellationToken ct)
    {
        if (create.Count == 0 && delete.Count == 0)
        {
            return null;
        }
        if (create.Count > 0 && delete.Count > 0)
        {
            // The expectations track one kind of change at a time: create now, delete on the next sync,
            // which plans again from what the informer then shows.
            delete = [];
        }
        // Expect them before the first write: the watch may deliver a pod before the POST returns.
        if (create.Count > 0)
        {
            expectations.ExpectCreations(key, create.Count);
        }
        else
        {
            expectations.ExpectDeletions(key, delete.Select(PodState.Key));
        }
        var controllerRef = ControllerRefs.NewControllerRef(ds, KnownResources.DaemonSets);
        var queue = new Queue<string>(create);
        var (successes, createError) = await SlowStart.RunAsync(create.Count, c => CreateAsync(ds, template, controllerRef, Dequeue(queue), c), ct);
        for (var skipped = create.Count - successes; skipped > 0; skipped--)
        {
            expectations.CreationObserved(key);
        }
        var deleteErrors = await Task.WhenAll(delete.Select(p => DeleteAsync(ds, key, p, ct)));
        return createError ?? deleteErrors.FirstOrDefault(e => e is not null);
    }

    private static string Dequeue(Queue<string> queue)
    {
        lock (queue)
        {
            return queue.Dequeue();
        }
    }

    private async Task CreateAsync(DaemonSet ds, PodTemplateSpec template, OwnerReference controllerRef, string node, CancellationToken ct)
    {
        var pod = PodTemplates.NewPod(template, ds, controllerRef);
        DaemonPods.PinToNode(pod.Spec!, node);
        try
        {
            var created = await client.CreateAsync(pod, ct);
            events.Record(ds, EventRecorder.Normal, "SuccessfulCreate", $"Created pod: {created.Metadata.Name}");
        }
        catch (KubeApiException e) when (NamespaceTermination.Is(e))
        {
            // Every create fails until the namespace is gone; nobody's error.
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            events.Record(ds, EventRecorder.Warning, "FailedCreate", $"Error creating: {e.Message}");
            throw;
        }
    }

    private async Task<Exception?> DeleteAsync(DaemonSet ds, string key, Pod pod, CancellationToken ct)
    {
        try
        {
            await client.DeleteAsync<Pod>(pod.Metadata.Namespace, pod.Metadata.Name ?? "", new DeleteOptions { Preconditions = new Preconditions { Uid = pod.Metadata.Uid } }, ct);
            events.Record(ds, EventRecorder.Normal, "SuccessfulDelete", $"Deleted pod: {pod.Metadata.Name}");
            return null;
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            expectations.DeletionObserved(key, PodState.Key(pod));
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            expectations.DeletionObserved(key, PodState.Key(pod));
            events.Record(ds, EventRecorder.Warning, "FailedDelete", $"Error deleting: {e.Message}");
            return e;
        }
    }

    private async Task UpdateStatusAsync(DaemonSet ds, DaemonSetStatus next, CancellationToken ct)
    {
        var generation = ds.Metadata.Generation ?? 0;
        if (!DaemonSetStatuses.NeedsUpdate(ds.Status, next, generation))
        {
            return;
        }
        next.ObservedGeneration = generation;
        var copy = ds.DeepCopy();
        copy.Status = next;
        try
        {
            await client.UpdateStatusAsync(copy, ct);
        }
        catch (KubeApiException e) when (e.IsConflict)
        {
            var fresh = await client.GetAsync<DaemonSet>(ds.Metadata.Namespace, ds.Metadata.Name ?? "", ct);
            fresh.Status = next;
            await client.UpdateStatusAsync(fresh, ct);
        }
    }
}
