using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.Api.Serialization;
using Axolotl.Client;
using Axolotl.Client.Discovery;
using Axolotl.Controllers.Runtime;
using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.GarbageCollector;

/// <summary>
/// Acts on one object UID from the graph: resolves virtual owners, releases dependents of an owner
/// deleted with the orphan policy, lets a foreground-deleting owner go once its blocking dependents
/// are gone, and deletes objects whose owners are all gone. Decisions come from
/// <see cref="GarbageCollectionPlanner"/>; every decision is made on live objects (GET), never on the
/// graph alone, and every write carries a UID/resourceVersion precondition.
/// </summary>
/// <param name="resources">The types whose objects can be dependents, read live when an owner is orphaning.</param>
public sealed class GarbageCollectorReconciler(KubeClient client, OwnerGraph graph, Action<string> enqueue, ILogger logger,
    IReadOnlyList<ResourceType> resources, ServedResources? served = null) : IReconciler<string>
{
    private const int ConflictRetries = 5;

    public async Task<ReconcileResult> ReconcileAsync(string uid, CancellationToken ct)
    {
        var node = graph.Get(uid);
        if (node is null)
        {
            return ReconcileResult.Done;
        }
        if (!node.Observed)
        {
            return await ResolveVirtualAsync(node, ct);
        }
        if (node.BeingDeleted && !node.DeletingDependents && !node.OrphaningDependents)
        {
            return ReconcileResult.Done;
        }
        var resource = node.Resolve(served);
        if (resource is null)
        {
            return ReconcileResult.Done;
        }
        var latest = await GetAsync(resource, node.Namespace, node.Name, ct);
        if (latest is null || latest.Uid != uid)
        {
            // Gone or replaced: the informer's delete event updates the graph and enqueues the dependents.
            return ReconcileResult.Done;
        }

        if (latest.OrphaningDependents)
        {
            await OrphanDependentsAsync(latest, ct);
            await RemoveFinalizerAsync(resource, latest, Finalizers.OrphanDependents, ct);
            return ReconcileResult.Done;
        }
        if (latest.DeletingDependents)
        {
            return await ProcessDeletingDependentsAsync(resource, latest, ct);
        }
        if (latest.BeingDeleted || latest.Owners.Count == 0)
        {
            return ReconcileResult.Done;
        }

        var owners = new List<ClassifiedOwner>();
        foreach (var reference in latest.Owners)
        {
            owners.Add(new ClassifiedOwner(reference, await ClassifyAsync(reference, latest, ct)));
        }
        var plan = GarbageCollectionPlanner.PlanForDependent(latest, owners, graph.Dependents(uid));
        switch (plan.Action)
        {
            case DependentAction.RemoveOwnerReferences:
                GarbageCollectorLog.RemovingOwnerReferences(logger, plan.OwnerUidsToRemove, latest.Kind, latest.Namespace, latest.Name);
                await PatchOwnerReferencesAsync(resource, latest, refs => refs.Where(r => !plan.OwnerUidsToRemove.Contains(r.Uid)).ToList(), ct);
                break;
            case DependentAction.Delete:
                if (plan.UnblockOwnerReferencesFirst)
                {
                    await PatchOwnerReferencesAsync(resource, latest, refs => GarbageCollectionPlanner.Unblocked(refs) ?? refs, ct);
                }
                GarbageCollectorLog.Deleting(logger, latest.Kind, latest.Namespace, latest.Name, plan.PropagationPolicy!);
                await DeleteAsync(resource, latest, plan.PropagationPolicy!, ct);
                break;
        }
        return ReconcileResult.Done;
    }

    private async Task<ReconcileResult> ResolveVirtualAsync(GraphNode node, CancellationToken ct)
    {
        var resource = node.Resolve(served);
        if (resource is null || (resource.Namespaced && node.Namespace is null))
        {
            GarbageCollectorLog.Unresolvable(logger, node.ApiVersion, node.Kind);
            return ReconcileResult.Done;
        }
        var live = await GetAsync(resource, node.Namespace, node.Name, ct);
        if (live is null || live.Uid != node.Uid)
        {
            GarbageCollectorLog.OwnerAbsent(logger, node.Kind, node.Namespace, node.Name, node.Uid);
            foreach (var dependent in graph.RemoveVirtual(node.Uid))
            {
                enqueue(dependent);
            }
            return ReconcileResult.Done;
        }
        // It exists; look again until an informer has shown it (then it is an ordinary node).
        return graph.Get(node.Uid) is { Observed: true } ? ReconcileResult.Done : ReconcileResult.Requeue;
    }

    private async Task<OwnerState> ClassifyAsync(OwnerReference reference, GraphNode dependent, CancellationToken ct)
    {
        var resource = GraphNode.ResolveResource(reference.ApiVersion, reference.Kind, served);
        if (resource is null || (resource.Namespaced && dependent.Namespace is null))
        {
            GarbageCollectorLog.Unresolvable(logger, reference.ApiVersion, reference.Kind);
            return OwnerState.Unresolvable;
        }
        var owner = await GetAsync(resource, resource.Namespaced ? dependent.Namespace : null, reference.Name, ct);
        var state = GarbageCollectionPlanner.ClassifyOwner(reference, owner);
        if (state == OwnerState.Dangling)
        {
            GarbageCollectorLog.OwnerAbsent(logger, reference.Kind, resource.Namespaced ? dependent.Namespace : null, reference.Name, reference.Uid);
        }
        return state;
    }

    private async Task<ReconcileResult> ProcessDeletingDependentsAsync(ResourceType resource, GraphNode owner, CancellationToken ct)
    {
        var plan = GarbageCollectionPlanner.PlanForDeletingOwner(owner, graph.Dependents(owner.Uid));
        if (plan.RemoveFinalizer)
        {
            await RemoveFinalizerAsync(resource, owner, Finalizers.DeleteDependents, ct);
            return ReconcileResult.Done;
        }
        GarbageCollectorLog.WaitingForDependents(logger, owner.Kind, owner.Namespace, owner.Name, plan.AttemptToDelete.Count);
        foreach (var dependent in plan.AttemptToDelete)
        {
            enqueue(dependent);
        }
        // The graph enqueues the owner again when a blocking dependent goes away or stops blocking.
        return ReconcileResult.Done;
    }

    private async Task OrphanDependentsAsync(GraphNode owner, CancellationToken ct)
    {
        foreach (var dependent in await OrphanCandidatesAsync(owner, ct))
        {
            var resource = dependent.Resolve(served);
            if (resource is null)
            {
                continue;
            }
            GarbageCollectorLog.Orphaning(logger, dependent.Kind, dependent.Namespace, dependent.Name, owner.Uid);
            await PatchOwnerReferencesAsync(resource, dependent, refs => refs.Where(r => r.Uid != owner.Uid).ToList(), ct);
        }
    }

    /// <summary>
    /// The owner's dependents: the graph's, and those a live read finds. The graph lags the store, so an object
    /// created moments before the owner's deletion may not have reached its informer yet; once the orphan
    /// finalizer is gone, such an object would be collected as the dependent of a missing owner (data lost).
    /// Reading every type that can hold a dependent (only the owner's namespace when it has one) closes that
    /// gap; orphaning deletions are rare enough to afford it. Live copies win over the graph's.
    /// </summary>
    private async Task<IReadOnlyCollection<GraphNode>> OrphanCandidatesAsync(GraphNode owner, CancellationToken ct)
    {
        var candidates = graph.Dependents(owner.Uid).ToDictionary(d => d.Uid);
        foreach (var type in resources)
        {
            if (owner.Namespace is not null && !type.Namespaced)
            {
                continue; // a cluster-scoped object cannot name a namespaced owner
            }
            KubeList<Unstructured> list;
            try
            {
                list = await client.Resource<Unstructured>(type).ListAllAsync(type.Namespaced ? owner.Namespace : null, null, ct);
            }
            catch (KubeApiException e) when (e.IsNotFound)
            {
                continue; // not served (any more): nothing of it can be a dependent
            }
            foreach (var item in list.Items)
            {
                if (item.Metadata.OwnerReferences?.Any(r => r.Uid == owner.Uid) == true)
                {
                    candidates[item.Metadata.Uid ?? ""] = GraphNode.From(item, type);
                }
            }
        }
        return candidates.Values;
    }

    private async Task<GraphNode?> GetAsync(ResourceType resource, string? ns, string name, CancellationToken ct)
    {
        var obj = await client.Resource<Unstructured>(resource).TryGetAsync(resource.Namespaced ? ns : null, name, ct);
        return obj is null ? null : GraphNode.From(obj, resource);
    }

    /// <summary>Deletes with UID and resourceVersion preconditions; on a conflict, retries with UID only if the owners did not change.</summary>
    private async Task DeleteAsync(ResourceType resource, GraphNode item, string policy, CancellationToken ct)
    {
        var objects = client.Resource<Unstructured>(resource);
        try
        {
            await objects.DeleteAsync(item.Namespace, item.Name, new DeleteOptions
            {
                PropagationPolicy = policy,
                Preconditions = new Preconditions { Uid = item.Uid, ResourceVersion = item.ResourceVersion },
            }, ct);
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            // Already gone.
        }
        catch (KubeApiException e) when (e.IsConflict)
        {
            var again = await GetAsync(resource, item.Namespace, item.Name, ct);
            if (again is null || again.Uid != item.Uid)
            {
                return;
            }
            if (!SameOwners(again.Owners, item.Owners))
            {
                // Someone adopted or released it meanwhile: decide again.
                throw;
            }
            try
            {
                await objects.DeleteAsync(item.Namespace, item.Name, new DeleteOptions
                {
                    PropagationPolicy = policy,
                    Preconditions = new Preconditions { Uid = item.Uid },
                }, ct);
            }
            catch (KubeApiException gone) when (gone.IsNotFound)
            {
                // Already gone.
            }
        }
    }

    /// <summary>Rewrites metadata.ownerReferences with a JSON merge patch guarded by resourceVersion, retrying on conflict.</summary>
    private async Task PatchOwnerReferencesAsync(ResourceType resource, GraphNode start, Func<IReadOnlyList<OwnerReference>, IReadOnlyList<OwnerReference>> change, CancellationToken ct)
    {
        await WithConflictRetryAsync(resource, start, async current =>
        {
            var updated = change(current.Owners);
            if (SameOwners(updated, current.Owners))
            {
                return;
            }
            var references = updated.Count == 0 ? null : JsonSerializer.SerializeToNode(updated, KubeJson.Options);
            await PatchMetadataAsync(resource, current, "ownerReferences", references, ct);
        }, ct);
    }

    private async Task RemoveFinalizerAsync(ResourceType resource, GraphNode start, string finalizer, CancellationToken ct)
    {
        await WithConflictRetryAsync(resource, start, async current =>
        {
            if (!current.HasFinalizer(finalizer))
            {
                return;
            }
            GarbageCollectorLog.RemovingFinalizer(logger, finalizer, current.Kind, current.Namespace, current.Name);
            var remaining = current.Finalizers.Where(f => f != finalizer).ToList();
            var finalizers = remaining.Count == 0 ? null : JsonSerializer.SerializeToNode(remaining, KubeJson.Options);
            await PatchMetadataAsync(resource, current, "finalizers", finalizers, ct);
        }, ct);
    }

    private Task PatchMetadataAsync(ResourceType resource, GraphNode current, string field, JsonNode? value, CancellationToken ct)
    {
        // resourceVersion in a patch is a precondition; null removes the field (RFC 7386).
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["resourceVersion"] = current.ResourceVersion,
                [field] = value,
            },
        };
        return client.Resource<Unstructured>(resource).PatchAsync(current.Namespace, current.Name, PatchType.Merge, patch, ct);
    }

    /// <summary>
    /// Runs <paramref name="write"/> against the object's state, the first time as given, then re-read
    /// after each 409. A missing object (or one with another UID) ends quietly.
    /// </summary>
    private async Task WithConflictRetryAsync(ResourceType resource, GraphNode start, Func<GraphNode, Task> write, CancellationToken ct)
    {
        var current = start;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await write(current);
                return;
            }
            catch (KubeApiException e) when (e.IsNotFound)
            {
                return;
            }
            catch (KubeApiException e) when (e.IsConflict && attempt < ConflictRetries)
            {
                var latest = await GetAsync(resource, start.Namespace, start.Name, ct);
                if (latest is null || latest.Uid != start.Uid)
                {
                    return;
                }
                current = latest;
            }
        }
    }

    private static bool SameOwners(IReadOnlyList<OwnerReference> a, IReadOnlyList<OwnerReference> b) =>
        a.Count == b.Count && a.Zip(b).All(p =>
            p.First.Uid == p.Second.Uid && p.First.BlockOwnerDeletion == p.Second.BlockOwnerDeletion && p.First.Controller == p.Second.Controller);
}
