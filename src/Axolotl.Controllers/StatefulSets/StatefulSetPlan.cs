using Axolotl.Api.Apps;
using Axolotl.Api.Core;

namespace Axolotl.Controllers.StatefulSets;

/// <summary>What one sync does to a pod.</summary>
public enum StatefulAction
{
    /// <summary>Create the pod of <see cref="StatefulStep.Ordinal"/> (and its missing claims) from <see cref="StatefulStep.Revision"/>.</summary>
    Create,

    /// <summary>Delete a pod that failed or succeeded: it comes back with the same name on a later sync.</summary>
    DeleteFinished,

    /// <summary>Delete a pod beyond the replica count, highest ordinal first.</summary>
    DeleteCondemned,

    /// <summary>Delete a pod of the old revision so that it is recreated from the update revision.</summary>
    DeleteForUpdate,

    /// <summary>Restore the pod-name and pod-index labels of a pod.</summary>
    FixIdentity,
}

/// <summary>One step of a sync; <see cref="Pod"/> is null for creations.</summary>
public sealed record StatefulStep(StatefulAction Action, int Ordinal, Pod? Pod, string? Revision);

/// <summary>The steps of one sync, and why it stopped early (the pod it waits for), if it did.</summary>
public sealed record StatefulSetPlanResult(IReadOnlyList<StatefulStep> Steps, string? WaitingFor, IReadOnlyList<Pod> Replicas, IReadOnlyList<Pod> Condemned);

/// <summary>
/// Upstream updateStatefulSet as a pure decision, in its order: (1) every ordinal in
/// [start, start+replicas) gets a pod: missing ones are created (from the current revision below the
/// partition, else from the update revision), failed or succeeded ones are deleted to be recreated, and
/// OrderedReady stops at the first pod that is missing, terminating or not Running+Ready+available;
/// (2) pods beyond the range are deleted highest ordinal first, OrderedReady one at a time and only
/// once every other pod is healthy; (3) RollingUpdate then deletes the highest-ordinal pod at or above
/// the partition that is not on the update revision, one at a time, waiting for each to come back
/// healthy (maxUnavailable is behind a gate that is off in 1.32). OnDelete stops after (2).
/// </summary>
public static class StatefulSetPlan
{
    public static StatefulSetPlanResult Compute(StatefulSet set, IReadOnlyList<Pod> pods, string currentRevision, string updateRevision, DateTimeOffset now)
    {
        var start = StatefulPods.StartOrdinal(set);
        var count = Math.Max(0, StatefulPods.Replicas(set));
        var minReady = set.Spec?.MinReadySeconds ?? 0;
        var monotonic = set.Spec?.PodManagementPolicy != "Parallel";
        var replicas = new Pod?[count];
        var condemned = new List<Pod>();
        foreach (var pod in pods.OrderBy(StatefulPods.Ordinal))
        {
            var index = StatefulPods.Ordinal(pod) - start;
            if (index >= 0 && index < count && replicas[index] is null)
            {
                replicas[index] = pod;
            }
            else
            {
                condemned.Add(pod);
            }
        }
        var steps = new List<StatefulStep>();
        var present = replicas.OfType<Pod>().ToList();
        if (set.Metadata.DeletionTimestamp is not null)
        {
            return new(steps, null, present, condemned);
        }
        var partition = set.Spec?.UpdateStrategy is { Type: "RollingUpdate", RollingUpdate.Partition: { } p } ? p : 0;

        // The first unhealthy pod, replicas before condemned (upstream firstUnhealthyPod): the one pod a
        // scale-down may remove even though it is unhealthy.
        Pod? firstUnhealthy = replicas.Any(r => r is null) ? null
            : present.Concat(condemned).FirstOrDefault(pod => !StatefulPods.IsHealthy(pod, minReady, now));

        for (var i = 0; i < count; i++)
        {
            var ordinal = start + i;
            var pod = replicas[i];
            if (pod is null)
            {
                steps.Add(new StatefulStep(StatefulAction.Create, ordinal, null, i < partition ? currentRevision : updateRevision));
                if (monotonic)
                {
                    return new(steps, null, present, condemned);
                }
                continue;
            }
            if (StatefulPods.IsFinished(pod))
            {
                if (!StatefulPods.IsTerminating(pod))
                {
                    steps.Add(new StatefulStep(StatefulAction.DeleteFinished, ordinal, pod, null));
                }
                if (monotonic)
                {
                    return new(steps, null, present, condemned);
                }
                continue;
            }
            if (monotonic && StatefulPods.IsTerminating(pod))
            {
                return new(steps, $"Pod {pod.Metadata.Name} to Terminate", present, condemned);
            }
            if (monotonic && !StatefulPods.IsRunningAndReady(pod))
            {
                return new(steps, $"Pod {pod.Metadata.Name} to be Running and Ready", present, condemned);
            }
            if (monotonic && !StatefulPods.IsRunningAndAvailable(pod, minReady, now))
            {
                return new(steps, $"Pod {pod.Metadata.Name} to be Available", present, condemned);
            }
            if (!StatefulPods.IsTerminating(pod) && !StatefulPods.IdentityMatches(set, pod))
            {
                steps.Add(new StatefulStep(StatefulAction.FixIdentity, ordinal, pod, null));
            }
        }

        for (var target = condemned.Count - 1; target >= 0; target--)
        {
            var pod = condemned[target];
            if (StatefulPods.IsTerminating(pod))
            {
                if (monotonic)
                {
                    return new(steps, $"Pod {pod.Metadata.Name} to Terminate prior to scale down", present, condemned);
                }
                continue;
            }
            if (monotonic && !ReferenceEquals(pod, firstUnhealthy) && !StatefulPods.IsRunningAndReady(pod))
            {
                return new(steps, $"Pod {pod.Metadata.Name} to be Running and Ready prior to scale down", present, condemned);
            }
            if (monotonic && !ReferenceEquals(pod, firstUnhealthy) && !StatefulPods.IsRunningAndAvailable(pod, minReady, now))
            {
                return new(steps, $"Pod {pod.Metadata.Name} to be Available prior to scale down", present, condemned);
            }
            steps.Add(new StatefulStep(StatefulAction.DeleteCondemned, StatefulPods.Ordinal(pod), pod, null));
            if (monotonic)
            {
                return new(steps, null, present, condemned);
            }
        }

        if (set.Spec?.UpdateStrategy?.Type != "RollingUpdate" || steps.Count > 0)
        {
            // Upstream's Parallel sync also goes on to the update only once nothing else was done.
            return new(steps, null, present, condemned);
        }
        for (var target = count - 1; target >= partition; target--)
        {
            var pod = replicas[target];
            if (pod is null)
            {
                continue;
            }
            if (StatefulPods.Revision(pod) != updateRevision && !StatefulPods.IsTerminating(pod))
            {
                steps.Add(new StatefulStep(StatefulAction.DeleteForUpdate, start + target, pod, null));
                return new(steps, null, present, condemned);
            }
            if (!StatefulPods.IsHealthy(pod, minReady, now))
            {
                return new(steps, $"Pod {pod.Metadata.Name} to update", present, condemned);
            }
        }
        return new(steps, null, present, condemned);
    }

    /// <summary>Upstream computeReplicaStatus plus completeRollingUpdate.</summary>
    public static StatefulSetStatus Status(StatefulSet set, IReadOnlyList<Pod> pods, string currentRevision, string updateRevision, DateTimeOffset now)
    {
        var minReady = set.Spec?.MinReadySeconds ?? 0;
        var status = new StatefulSetStatus
        {
            ObservedGeneration = set.Metadata.Generation,
            CollisionCount = set.Status?.CollisionCount,
            Conditions = set.Status?.Conditions,
            CurrentRevision = currentRevision,
            UpdateRevision = updateRevision,
        };
        int ready = 0, current = 0, updated = 0;
        foreach (var pod in pods)
        {
            status.Replicas++;
            if (StatefulPods.IsRunningAndReady(pod))
            {
                ready++;
                if (StatefulPods.IsRunningAndAvailable(pod, minReady, now))
                {
                    status.AvailableReplicas++;
                }
            }
            if (!StatefulPods.IsTerminating(pod))
            {
                var revision = StatefulPods.Revision(pod);
                current += revision == currentRevision ? 1 : 0;
                updated += revision == updateRevision ? 1 : 0;
            }
        }
        status.ReadyReplicas = ready;
        status.CurrentReplicas = current;
        status.UpdatedReplicas = updated;
        if (set.Spec?.UpdateStrategy?.Type == "RollingUpdate" && updated == status.Replicas && ready == status.Replicas)
        {
            status.CurrentReplicas = updated;
            status.CurrentRevision = updateRevision;
        }
        return status;
    }
}
