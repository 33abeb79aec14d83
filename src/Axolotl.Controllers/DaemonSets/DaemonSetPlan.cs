using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Controllers.ReplicaSets;

namespace Axolotl.Controllers.DaemonSets;

/// <summary>What one sync asks for: nodes that need a pod, pods to delete, and failed pods worth an event.</summary>
public sealed record DaemonSetPlan(List<string> NodesNeedingPods, List<Pod> PodsToDelete, List<(Pod Pod, string Node)> FailedPods)
{
    /// <summary>
    /// Upstream manage/podsShouldBeOnNode over every node: create where the pod should run and none
    /// exists (a terminating one still counts, so two never overlap); on nodes it may stay, delete
    /// failed and succeeded pods and duplicates (keeping the oldest, or with surge the oldest new and
    /// old pair while the new one is not yet available); elsewhere delete them all. Pods pinned to a
    /// node that no longer exists and never bound are deleted too.
    /// </summary>
    public static DaemonSetPlan Manage(DaemonSet ds, PodSpec podSpec, IReadOnlyList<Node> nodes, IReadOnlyDictionary<string, List<Pod>> podsByNode,
        string hash, bool surge, DateTimeOffset now)
    {
        var create = new List<string>();
        var delete = new List<Pod>();
        var failed = new List<(Pod, string)>();
        var minReady = ds.Spec?.MinReadySeconds ?? 0;
        foreach (var node in nodes)
        {
            var name = node.Metadata.Name ?? "";
            var (shouldRun, shouldContinue) = NodeEligibility.Evaluate(node, podSpec);
            var exists = podsByNode.TryGetValue(name, out var pods) && pods.Count > 0;
            pods ??= [];
            if (shouldRun && !exists)
            {
                create.Add(name);
            }
            else if (shouldContinue)
            {
                var running = new List<Pod>();
                foreach (var pod in pods.Where(p => p.Metadata.DeletionTimestamp is null))
                {
                    if (pod.Status?.Phase == "Failed")
                    {
                        failed.Add((pod, name));
                        delete.Add(pod);
                    }
                    else if (pod.Status?.Phase == "Succeeded")
                    {
                        delete.Add(pod);
                    }
                    else
                    {
                        running.Add(pod);
                    }
                }
                if (running.Count == 0 && shouldRun && pods.All(p => p.Metadata.DeletionTimestamp is null))
                {
                    // Every pod here was finished: replace it now rather than on the next sync.
                    create.Add(name);
                }
                delete.AddRange(Duplicates(DaemonPods.OldestFirst(running), hash, surge, minReady, now));
            }
            else if (exists)
            {
                delete.AddRange(pods.Where(p => p.Metadata.DeletionTimestamp is null));
            }
        }
        var known = nodes.Select(n => n.Metadata.Name ?? "").ToHashSet(StringComparer.Ordinal);
        foreach (var (node, pods) in podsByNode)
        {
            if (!known.Contains(node))
            {
                delete.AddRange(pods.Where(p => p.Metadata.DeletionTimestamp is null && string.IsNullOrEmpty(p.Spec?.NodeName)));
            }
        }
        return new DaemonSetPlan(create, delete, failed);
    }

    private static IEnumerable<Pod> Duplicates(List<Pod> running, string hash, bool surge, int minReady, DateTimeOffset now)
    {
        if (!surge)
        {
            return running.Skip(1);
        }
        var extra = new List<Pod>();
        Pod? oldestNew = null;
        Pod? oldestOld = null;
        foreach (var pod in running)
        {
            if (DaemonPods.IsUpdated(pod, hash))
            {
                if (oldestNew is null)
                {
                    oldestNew = pod;
                    continue;
                }
            }
            else if (oldestOld is null)
            {
                oldestOld = pod;
                continue;
            }
            extra.Add(pod);
        }
        if (oldestNew is not null && oldestOld is not null)
        {
            if (!PodState.IsReady(oldestOld))
            {
                extra.Add(oldestOld);
            }
            else if (PodState.IsAvailable(oldestNew, minReady, now))
            {
                extra.Add(oldestOld);
            }
        }
        return extra;
    }
}
