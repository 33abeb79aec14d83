using System.Collections.Concurrent;
using Axolotl.Api.Coordination;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Client;
using Axolotl.Client.Events;
using Axolotl.Client.Informers;
using Axolotl.Controllers.ReplicaSets;
using Axolotl.Controllers.Runtime;
using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.NodeLifecycle;

/// <summary>
/// One node's health (upstream node lifecycle controller, taint-eviction controller and podgc's
/// terminating-pod pass, keyed by node name):
/// 1. a node whose Lease renewTime and Ready heartbeat have not changed for the grace period gets its
///    conditions set to Unknown ("NodeStatusUnknown", "Kubelet stopped posting node status."), and its
///    pods are marked not ready;
/// 2. its taints follow its conditions (<see cref="NodeTaints"/>);
/// 3. pods that do not tolerate its NoExecute taints are deleted, at once or after tolerationSeconds;
/// 4. terminating pods nobody will finish are force-deleted (<see cref="PodGarbageCollection"/>);
/// 5. pods bound to a node that no longer exists are force-deleted after a quarantine.
/// Staleness is measured on this controller's clock from when it last saw a change, not from the
/// timestamps the node wrote, so clock skew between machines does not matter.
/// </summary>
public sealed class NodeLifecycleReconciler(
    KubeClient client,
    IObjectCache<Node> nodes,
    IObjectCache<Lease> leases,
    IObjectCache<Pod> pods,
    EventRecorder events,
    TimeProvider time,
    ILogger logger,
    NodeLifecycleOptions? options = null) : IReconciler<ObjectKey>
{
    public const string LeaseNamespace = "kube-node-lease";

    private readonly NodeLifecycleOptions _options = options ?? new NodeLifecycleOptions();
    private readonly ConcurrentDictionary<string, Health> _health = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _missingSince = new(StringComparer.Ordinal);

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var node = nodes.Get(null, key.Name);
        var podsOnNode = PodsOn(key.Name);
        if (node is null)
        {
            _health.TryRemove(key.Name, out _);
            return await CollectOrphansAsync(key.Name, podsOnNode, now, ct);
        }
        _missingSince.TryRemove(key.Name, out _);

        node = await MonitorHealthAsync(node, now, ct);
        if (NodeTaints.Reconcile(node, now) is { } taints)
        {
            var copy = node.DeepCopy();
            (copy.Spec ??= new NodeSpec()).Taints = taints.Count == 0 ? null : taints;
            node = await client.UpdateAsync(copy, ct);
        }
        var ready = NodeTaints.Condition(node, "Ready");
        if (ready == "Unknown")
        {
            await MarkPodsNotReadyAsync(node, podsOnNode, now, ct);
        }

        DateTimeOffset? next = null;
        foreach (var pod in podsOnNode)
        {
            if (PodGarbageCollection.ShouldForceDelete(pod, node, now))
            {
                await ForceDeleteAsync(pod, ct);
                continue;
            }
            if (pod.Metadata.DeletionTimestamp is not null || pod.Status?.Phase is "Succeeded" or "Failed")
            {
                if (pod.Metadata.DeletionTimestamp is { } deleting && ready == "False")
                {
                    next = Min(next, deleting);
                }
                continue;
            }
            if (TaintEviction.EvictAt(pod, node.Spec?.Taints ?? [], now) is not { } at)
            {
                continue;
            }
            if (at <= now)
            {
                await EvictAsync(pod, ct);
            }
            else
            {
                next = Min(next, at);
            }
        }

        var delay = _options.NodeMonitorPeriod;
        if (next is { } when && when - now < delay)
        {
            delay = when > now ? when - now : TimeSpan.Zero;
        }
        return ReconcileResult.RequeueAfter(delay);
    }

    /// <summary>Upstream tryUpdateNodeHealth, for what our agents report: conditions go Unknown once the grace period passes without a sign of life.</summary>
    private async Task<Node> MonitorHealthAsync(Node node, DateTimeOffset now, CancellationToken ct)
    {
        var name = node.Metadata.Name ?? "";
        var renew = leases.Get(LeaseNamespace, name)?.Spec?.RenewTime;
        var heartbeat = node.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.LastHeartbeatTime;
        var health = _health.AddOrUpdate(name,
            _ => new Health(renew, heartbeat, now),
            (_, old) => old.Renew != renew || old.Heartbeat != heartbeat ? new Health(renew, heartbeat, now) : old);
        if (now - health.ProbedAt <= _options.NodeMonitorGracePeriod)
        {
            return node;
        }
        var copy = node.DeepCopy();
        var status = copy.Status ??= new NodeStatus();
        var conditions = status.Conditions ??= [];
        var changed = false;
        foreach (var type in (string[])["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"])
        {
            var condition = conditions.FirstOrDefault(c => c.Type == type);
            if (condition is null)
            {
                conditions.Add(new NodeCondition
                {
                    Type = type,
                    Status = "Unknown",
                    Reason = "NodeStatusNeverUpdated",
                    Message = "Kubelet never posted node status.",
                    LastHeartbeatTime = node.Metadata.CreationTimestamp,
                    LastTransitionTime = now,
                });
                changed = true;
            }
            else if (condition.Status != "Unknown")
            {
                condition.Status = "Unknown";
                condition.Reason = "NodeStatusUnknown";
                condition.Message = "Kubelet stopped posting node status.";
                condition.LastTransitionTime = now;
                changed = true;
            }
        }
        if (!changed)
        {
            return node;
        }
        var updated = await client.UpdateStatusAsync(copy, ct);
        events.Record(node, EventRecorder.Normal, "NodeNotReady", $"Node {name} status is now: NodeNotReady");
        NodeLifecycleLog.NodeUnknown(logger, name, _options.NodeMonitorGracePeriod);
        return updated;
    }

    /// <summary>Upstream MarkPodsNotReady: nobody reports these pods any more, so they must not keep receiving traffic.</summary>
    /// <summary>
    /// The pods bound to the node, from the informer's node-name index: every pod event queues its node, so a
    /// scan of all pods here would make a cluster's pod starts cost pods × pods.
    /// </summary>
    private List<Pod> PodsOn(string node) => pods is IIndexedCache<Pod> indexed
        ? [.. indexed.ByIndex(CacheIndexes.NodeName, node)]
        : [.. pods.List(null).Where(p => p.Spec?.NodeName == node)];

    private async Task MarkPodsNotReadyAsync(Node node, List<Pod> podsOnNode, DateTimeOffset now, CancellationToken ct)
    {
        foreach (var pod in podsOnNode.Where(PodState.IsReady))
        {
            var copy = pod.DeepCopy();
            var ready = copy.Status!.Conditions!.First(c => c.Type == "Ready");
            ready.Status = "False";
            ready.LastTransitionTime = now;
            try
            {
                await client.UpdateStatusAsync(copy, ct);
                events.Record(pod, EventRecorder.Warning, "NodeNotReady", "Node is not ready");
            }
            catch (KubeApiException e) when (e.IsNotFound || e.IsConflict)
            {
                // Gone or changed: the next pass sees the fresh pod.
            }
        }
    }

    private async Task EvictAsync(Pod pod, CancellationToken ct)
    {
        try
        {
            await client.DeleteAsync<Pod>(pod.Metadata.Namespace, pod.Metadata.Name ?? "",
                new DeleteOptions { Preconditions = new Preconditions { Uid = pod.Metadata.Uid } }, ct);
            events.Record(pod, EventRecorder.Normal, "TaintManagerEviction", $"Marking for deletion Pod {pod.Metadata.Namespace}/{pod.Metadata.Name}");
        }
        catch (KubeApiException e) when (e.IsNotFound || e.IsConflict)
        {
            // Already gone or replaced.
        }
    }

    private async Task ForceDeleteAsync(Pod pod, CancellationToken ct)
    {
        try
        {
            await client.DeleteAsync<Pod>(pod.Metadata.Namespace, pod.Metadata.Name ?? "",
                new DeleteOptions { GracePeriodSeconds = 0, Preconditions = new Preconditions { Uid = pod.Metadata.Uid } }, ct);
        }
        catch (KubeApiException e) when (e.IsNotFound || e.IsConflict)
        {
            // Already gone or replaced.
        }
    }

    private async Task<ReconcileResult> CollectOrphansAsync(string nodeName, List<Pod> podsOnNode, DateTimeOffset now, CancellationToken ct)
    {
        if (podsOnNode.Count == 0)
        {
            _missingSince.TryRemove(nodeName, out _);
            return ReconcileResult.Done;
        }
        var since = _missingSince.GetOrAdd(nodeName, now);
        if (now - since < _options.OrphanQuarantine)
        {
            return ReconcileResult.RequeueAfter(_options.OrphanQuarantine - (now - since));
        }
        foreach (var pod in podsOnNode)
        {
            NodeLifecycleLog.OrphanPod(logger, pod.Metadata.Namespace, pod.Metadata.Name, nodeName);
            await ForceDeleteAsync(pod, ct);
        }
        _missingSince.TryRemove(nodeName, out _);
        return ReconcileResult.Done;
    }

    private static DateTimeOffset? Min(DateTimeOffset? a, DateTimeOffset b) => a is null || b < a ? b : a;

    private sealed record Health(DateTimeOffset? Renew, DateTimeOffset? Heartbeat, DateTimeOffset ProbedAt);
}
