using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Controllers.ReplicaSets;

namespace Axolotl.Controllers.DaemonSets;

/// <summary>
/// Upstream rollingUpdate for DaemonSets. Without surge, old pods are deleted (the manage step then
/// creates new ones) while at most maxUnavailable nodes lack an available pod; an old pod that is not
/// available anyway is replaced at once. With surge, new pods are created beside old ones on up to
/// maxSurge nodes, and an old pod goes once its node's new pod is available.
/// </summary>
public static class RollingUpdate
{
    public static bool IsRollingUpdate(DaemonSet ds) => ds.Spec?.UpdateStrategy?.Type is null or "" or "RollingUpdate";

    /// <summary>(maxSurge, maxUnavailable) for <paramref name="desired"/> nodes; surge rounds up, unavailability down, as upstream; both zero means one unavailable.</summary>
    public static (int Surge, int Unavailable) Limits(DaemonSet ds, int desired)
    {
        var rolling = ds.Spec?.UpdateStrategy?.RollingUpdate;
        var surge = Resolve(rolling?.MaxSurge, desired, roundUp: true, fallback: 0);
        var unavailable = Resolve(rolling?.MaxUnavailable, desired, roundUp: false, fallback: 1);
        if (surge == 0 && unavailable == 0)
        {
            unavailable = 1;
        }
        return (surge, unavailable);
    }

    public static (List<Pod> Delete, List<string> Create) Plan(DaemonSet ds, IReadOnlyDictionary<string, List<Pod>> podsByNode, string hash, int desired, DateTimeOffset now)
    {
        var (maxSurge, maxUnavailable) = Limits(ds, desired);
        var minReady = ds.Spec?.MinReadySeconds ?? 0;
        var nodes = podsByNode.Keys.Order(StringComparer.Ordinal).ToList();
        if (maxSurge == 0)
        {
            var unavailable = 0;
            var allowed = new List<Pod>();
            var candidates = new List<Pod>();
            foreach (var node in nodes)
            {
                if (!Split(podsByNode[node], hash, out var newPod, out var oldPod))
                {
                    unavailable++;
                    continue;
                }
                if (oldPod is null)
                {
                    if (newPod is not null && !PodState.IsAvailable(newPod, minReady, now))
                    {
                        unavailable++;
                    }
                }
                else if (newPod is null)
                {
                    if (!PodState.IsAvailable(oldPod, minReady, now))
                    {
                        allowed.Add(oldPod);
                    }
                    else if (unavailable < maxUnavailable)
                    {
                        candidates.Add(oldPod);
                    }
                }
            }
            // Replacing an unavailable old pod costs nothing more, but it does use up the budget.
            var remaining = Math.Clamp(maxUnavailable - unavailable - allowed.Count, 0, candidates.Count);
            return ([.. allowed, .. candidates.Take(remaining)], []);
        }

        var surged = 0;
        var allowedNodes = new List<string>();
        var candidateNodes = new List<string>();
        var deletes = new List<Pod>();
        foreach (var node in nodes)
        {
            if (!Split(podsByNode[node], hash, out var newPod, out var oldPod))
            {
                surged++;
                continue;
            }
            if (oldPod is null)
            {
                continue;
            }
            if (newPod is null)
            {
                if (!PodState.IsAvailable(oldPod, minReady, now))
                {
                    allowedNodes.Add(node);
                }
                else if (surged < maxSurge)
                {
                    surged++;
                    candidateNodes.Add(node);
                }
                continue;
            }
            if (!PodState.IsAvailable(newPod, minReady, now))
            {
                surged++;
                continue;
            }
            deletes.Add(oldPod);
        }
        var remainingSurge = Math.Clamp(maxSurge - surged, 0, candidateNodes.Count);
        return (deletes, [.. allowedNodes, .. candidateNodes.Take(remainingSurge)]);
    }

    /// <summary>Upstream findUpdatedPodsOnNode: at most one live new and one live old pod, else false.</summary>
    private static bool Split(List<Pod> pods, string hash, out Pod? newPod, out Pod? oldPod)
    {
        newPod = null;
        oldPod = null;
        foreach (var pod in pods.Where(p => p.Metadata.DeletionTimestamp is null))
        {
            if (DaemonPods.IsUpdated(pod, hash))
            {
                if (newPod is not null)
                {
                    return false;
                }
                newPod = pod;
            }
            else
            {
                if (oldPod is not null)
                {
                    return false;
                }
                oldPod = pod;
            }
        }
        return true;
    }

    private static int Resolve(IntOrString? value, int total, bool roundUp, int fallback)
    {
        if (value is not { } v)
        {
            return fallback;
        }
        try
        {
            return Math.Max(0, v.GetScaledValue(total, roundUp));
        }
        catch (FormatException)
        {
            // Validation rejects such values; an old object keeps the default.
            return fallback;
        }
    }
}
