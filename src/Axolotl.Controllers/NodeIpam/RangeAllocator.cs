using Axolotl.Api.Core;
using Axolotl.Client;
using Axolotl.Client.Events;
using Axolotl.Client.Informers;
using Axolotl.Controllers.Runtime;
using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.NodeIpam;

/// <summary>
/// Upstream's range allocator: every Node without spec.podCIDR gets the next free node-sized subnet of
/// the cluster CIDR. Uniqueness rests on two things: the bitmap (<see cref="CidrSet"/>) hands a subnet
/// out once, and it is rebuilt from every Node before the first allocation (<see cref="Rebuild"/>), so
/// a restarted controller never gives away a subnet a Node already holds; and the write is an update
/// with the Node's resourceVersion, so a Node that changed meanwhile (another writer set a CIDR) is
/// read again rather than overwritten. A deleted Node's subnet goes back to the bitmap.
/// </summary>
public sealed class RangeAllocator(KubeClient client, Lister<Node> nodes, CidrSet cidrs, EventRecorder? events, NodeIpamOptions options, ILogger logger)
    : IReconciler<string>
{
    private readonly Lock _lock = new();

    /// <summary>The subnet each node holds in the bitmap (assigned by us, or found on the Node).</summary>
    private readonly Dictionary<string, string> _byNode = new(StringComparer.Ordinal);

    /// <summary>Marks every existing Node's CIDR used; called once, after the informer synced and before any allocation.</summary>
    public void Rebuild()
    {
        foreach (var node in nodes.List())
        {
            if (CidrOf(node) is { } cidr && node.Metadata.Name is { } name)
            {
                Hold(name, cidr);
            }
        }
        NodeIpamLog.Rebuilt(logger, cidrs.Allocated, cidrs.Capacity, cidrs.ClusterCidr);
    }

    /// <summary>The subnet the bitmap has for <paramref name="node"/>, if any (tests and diagnostics).</summary>
    public string? HeldBy(string node)
    {
        lock (_lock)
        {
            return _byNode.GetValueOrDefault(node);
        }
    }

    public async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken ct)
    {
        var node = nodes.Get(null, key);
        if (node is null)
        {
            Release(key);
            return ReconcileResult.Done;
        }
        if (CidrOf(node) is { } existing)
        {
            Hold(key, existing);
            return ReconcileResult.Done;
        }

        string cidr;
        lock (_lock)
        {
            // A subnet taken for this node by an earlier attempt whose write failed is offered again, not leaked.
            if (_byNode.GetValueOrDefault(key) is { } pending)
            {
                cidr = pending;
            }
            else if (cidrs.AllocateNext() is { } next)
            {
                cidr = next;
                _byNode[key] = next;
            }
            else
            {
                NodeIpamLog.Exhausted(logger, key, cidrs.ClusterCidr, cidrs.Capacity);
                events?.Record(node, EventRecorder.Normal, "CIDRNotAvailable", $"Node {key} status is now: CIDRNotAvailable");
                return ReconcileResult.Requeue;
            }
        }
        return await WriteAsync(key, node, cidr, ct);
    }

    private async Task<ReconcileResult> WriteAsync(string name, Node node, string cidr, CancellationToken ct)
    {
        var current = node;
        string failure = "";
        for (var attempt = 0; attempt < options.UpdateRetries; attempt++)
        {
            var copy = ObjectCopy.DeepCopy(current);
            copy.Spec ??= new NodeSpec();
            copy.Spec.PodCIDR = cidr;
            copy.Spec.PodCIDRs = [cidr];
            try
            {
                // The update carries the resourceVersion read: a Node changed since is a conflict, never overwritten.
                await client.UpdateAsync(copy, ct);
                NodeIpamLog.Assigned(logger, name, cidr);
                return ReconcileResult.Done;
            }
            catch (KubeApiException e) when (e.IsConflict)
            {
                failure = e.Message;
                var live = await client.Resource<Node>().TryGetAsync(null, name, ct);
                if (live is null)
                {
                    Release(name);
                    return ReconcileResult.Done;
                }
                if (CidrOf(live) is { } theirs)
                {
                    // Someone else (or our own earlier write, not yet seen by the informer) set it: keep what the Node says.
                    Hold(name, theirs);
                    return ReconcileResult.Done;
                }
                current = live;
            }
            catch (KubeApiException e) when (e.IsNotFound)
            {
                Release(name);
                return ReconcileResult.Done;
            }
            catch (KubeApiException e)
            {
                failure = e.Message;
                break;
            }
            catch (HttpRequestException e)
            {
                failure = e.Message;
                break;
            }
        }
        // As upstream: the subnet goes back to the pool and the node is queued again with backoff.
        NodeIpamLog.AssignmentFailed(logger, name, cidr, failure);
        events?.Record(node, EventRecorder.Normal, "CIDRAssignmentFailed", $"Node {name} status is now: CIDRAssignmentFailed");
        lock (_lock)
        {
            if (_byNode.GetValueOrDefault(name) == cidr)
            {
                _byNode.Remove(name);
                cidrs.Release(cidr);
            }
        }
        return ReconcileResult.Requeue;
    }

    /// <summary>Records that <paramref name="node"/> holds <paramref name="cidr"/>, freeing any other subnet taken for it.</summary>
    private void Hold(string node, string cidr)
    {
        lock (_lock)
        {
            var previous = _byNode.GetValueOrDefault(node);
            if (previous == cidr)
            {
                return;
            }
            if (previous is not null)
            {
                cidrs.Release(previous);
                _byNode.Remove(node);
            }
            if (cidrs.IndexOf(cidr) is null)
            {
                // Outside the cluster CIDR or another size (an agent's explicit --pod-cidr): not ours to track.
                NodeIpamLog.ForeignCidr(logger, node, cidr, $"not a /{cidrs.NodeMaskSize} of the cluster CIDR {cidrs.ClusterCidr}");
                return;
            }
            var owner = _byNode.FirstOrDefault(pair => pair.Value == cidr).Key;
            if (owner is not null)
            {
                NodeIpamLog.ForeignCidr(logger, node, cidr, $"also held by node {owner}");
                return;
            }
            cidrs.Occupy(cidr);
            _byNode[node] = cidr;
        }
    }

    private void Release(string node)
    {
        lock (_lock)
        {
            if (_byNode.Remove(node, out var cidr))
            {
                // A node that shares a subnet with another (only possible with explicit CIDRs) does not free it.
                if (!_byNode.ContainsValue(cidr))
                {
                    cidrs.Release(cidr);
                }
                NodeIpamLog.Released(logger, node, cidr);
            }
        }
    }

    public static string? CidrOf(Node node) =>
        node.Spec?.PodCIDRs is { Count: > 0 } list && !string.IsNullOrEmpty(list[0]) ? list[0]
        : string.IsNullOrEmpty(node.Spec?.PodCIDR) ? null : node.Spec.PodCIDR;
}
