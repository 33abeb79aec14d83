using Axolotl.Api.Meta;
using Axolotl.Client.Discovery;

namespace Axolotl.Controllers.GarbageCollector;

/// <summary>
/// The ownership graph built from informer events: nodes by UID and, for each owner UID, the UIDs of
/// the objects whose ownerReferences name it. Every change returns the UIDs the collector should look
/// at (attemptToDelete in upstream's terms); the graph itself does no I/O. Thread-safe.
/// </summary>
/// <param name="served">Resolves an owner's kind (is it namespaced?); the built-ins when null.</param>
public sealed class OwnerGraph(ServedResources? served = null)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, GraphNode> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _dependents = new(StringComparer.Ordinal);

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _nodes.Count;
            }
        }
    }

    public GraphNode? Get(string uid)
    {
        lock (_lock)
        {
            return _nodes.GetValueOrDefault(uid);
        }
    }

    /// <summary>Observed objects whose ownerReferences name <paramref name="ownerUid"/>.</summary>
    public IReadOnlyList<GraphNode> Dependents(string ownerUid)
    {
        lock (_lock)
        {
            return DependentsLocked(ownerUid);
        }
    }

    /// <summary>An object was added or changed.</summary>
    public IReadOnlyList<string> Observe(GraphNode node)
    {
        if (node.Uid.Length == 0)
        {
            return [];
        }
        var attempt = new List<string>();
        lock (_lock)
        {
            var existing = _nodes.GetValueOrDefault(node.Uid);
            var before = existing is { Observed: true } ? existing : null;
            _nodes[node.Uid] = node with { Observed = true };

            var oldOwners = before?.Owners ?? [];
            foreach (var added in node.Owners.Where(o => !oldOwners.Any(x => x.Uid == o.Uid)))
            {
                AddDependentLocked(added, node, attempt);
            }
            foreach (var removed in oldOwners.Where(o => !node.Owners.Any(x => x.Uid == o.Uid)))
            {
                RemoveDependentLocked(removed.Uid, node.Uid);
                // The owner may have been waiting for this dependent.
                EnqueueIfDeletingDependentsLocked(removed.Uid, attempt);
            }
            foreach (var changed in node.Owners.Where(o => oldOwners.Any(x => x.Uid == o.Uid && x.BlockOwnerDeletion == true && o.BlockOwnerDeletion != true)))
            {
                EnqueueIfDeletingDependentsLocked(changed.Uid, attempt);
            }

            if (node.OrphaningDependents && before?.OrphaningDependents != true)
            {
                attempt.Add(node.Uid);
            }
            if (node.DeletingDependents && before?.DeletingDependents != true)
            {
                // Foreground deletion starts: every dependent is looked at, then the owner itself.
                attempt.AddRange(DependentsLocked(node.Uid).Select(d => d.Uid));
                attempt.Add(node.Uid);
            }
        }
        return attempt;
    }

    /// <summary>An object was deleted: its dependents may now be garbage, its owners may stop waiting.</summary>
    public IReadOnlyList<string> ObserveDeleted(GraphNode node)
    {
        var attempt = new List<string>();
        lock (_lock)
        {
            var existing = _nodes.GetValueOrDefault(node.Uid);
            if (existing is { Observed: true })
            {
                _nodes.Remove(node.Uid);
                foreach (var owner in existing.Owners)
                {
                    RemoveDependentLocked(owner.Uid, node.Uid);
                    EnqueueIfDeletingDependentsLocked(owner.Uid, attempt);
                }
            }
            attempt.AddRange(_dependents.GetValueOrDefault(node.Uid) ?? []);
        }
        return attempt;
    }

    /// <summary>A virtual owner was confirmed absent: drop it; its dependents must be looked at.</summary>
    public IReadOnlyList<string> RemoveVirtual(string uid)
    {
        lock (_lock)
        {
            if (_nodes.GetValueOrDefault(uid) is not { Observed: false })
            {
                return [];
            }
            _nodes.Remove(uid);
            return [.. _dependents.GetValueOrDefault(uid) ?? []];
        }
    }

    private void AddDependentLocked(OwnerReference owner, GraphNode dependent, List<string> attempt)
    {
        if (!_dependents.TryGetValue(owner.Uid, out var set))
        {
            _dependents[owner.Uid] = set = new HashSet<string>(StringComparer.Ordinal);
        }
        set.Add(dependent.Uid);
        if (!_nodes.ContainsKey(owner.Uid))
        {
            // Never seen this owner: it may not exist. A live GET decides.
            _nodes[owner.Uid] = GraphNode.Virtual(owner, dependent.Namespace, served);
            attempt.Add(owner.Uid);
        }
    }

    private void RemoveDependentLocked(string ownerUid, string dependentUid)
    {
        if (_dependents.TryGetValue(ownerUid, out var set) && set.Remove(dependentUid) && set.Count == 0)
        {
            _dependents.Remove(ownerUid);
            if (_nodes.GetValueOrDefault(ownerUid) is { Observed: false })
            {
                // A virtual owner nobody refers to any more.
                _nodes.Remove(ownerUid);
            }
        }
    }

    private void EnqueueIfDeletingDependentsLocked(string ownerUid, List<string> attempt)
    {
        if (_nodes.GetValueOrDefault(ownerUid) is { DeletingDependents: true })
        {
            attempt.Add(ownerUid);
        }
    }

    private List<GraphNode> DependentsLocked(string ownerUid) =>
        _dependents.TryGetValue(ownerUid, out var set)
            ? set.Select(uid => _nodes.GetValueOrDefault(uid)).OfType<GraphNode>().Where(n => n.Observed).ToList()
            : [];
}
