using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Api.Selectors;

namespace Axolotl.Controllers.ReplicaSets;

/// <summary>A replica controller's status, computed from the pods it owns (upstream calculateStatus).</summary>
internal static class ReplicaSetStatuses
{
    public const string ReplicaFailure = "ReplicaFailure";

    /// <summary>
    /// The status after this sync: counts over the active owned pods, and a ReplicaFailure condition
    /// while creating or deleting pods fails (FailedCreate when short of pods, FailedDelete when over),
    /// removed by the first sync that manages replicas without an error.
    /// </summary>
    public static ReplicaSetStatus Calculate(ReplicaSetStatus current, PodTemplateSpec? template, int desired, int minReadySeconds,
        IReadOnlyList<Pod> activePods, Exception? manageError, DateTimeOffset now)
    {
        var templateLabels = ParsedLabelSelector.FromSet(template?.Metadata.Labels);
        var status = new ReplicaSetStatus
        {
            Replicas = activePods.Count,
            // Zero counts are left out on the wire (omitempty upstream); only replicas is always written.
            FullyLabeledReplicas = NullIfZero(activePods.Count(p => templateLabels.Matches(p.Metadata.Labels))),
            ReadyReplicas = NullIfZero(activePods.Count(PodState.IsReady)),
            AvailableReplicas = NullIfZero(activePods.Count(p => PodState.IsAvailable(p, minReadySeconds, now))),
            ObservedGeneration = current.ObservedGeneration,
            Conditions = current.Conditions,
            ExtensionData = current.ExtensionData,
        };
        var failure = Get(status, ReplicaFailure);
        if (manageError is not null && failure is null)
        {
            var diff = activePods.Count - desired;
            var reason = diff < 0 ? "FailedCreate" : diff > 0 ? "FailedDelete" : "";
            Set(status, new ReplicaSetCondition
            {
                Type = ReplicaFailure,
                Status = "True",
                LastTransitionTime = Seconds(now),
                Reason = reason,
                Message = manageError.Message,
            });
        }
        else if (manageError is null && failure is not null)
        {
            status.Conditions = status.Conditions?.Where(c => c.Type != ReplicaFailure).ToList();
        }
        if (status.Conditions is { Count: 0 })
        {
            status.Conditions = null;
        }
        return status;
    }

    /// <summary>False in the steady state: same counts and conditions, and the current generation already observed.</summary>
    public static bool NeedsUpdate(ReplicaSetStatus current, ReplicaSetStatus next, long generation) =>
        current.Replicas != next.Replicas ||
        (current.FullyLabeledReplicas ?? 0) != (next.FullyLabeledReplicas ?? 0) ||
        (current.ReadyReplicas ?? 0) != (next.ReadyReplicas ?? 0) ||
        (current.AvailableReplicas ?? 0) != (next.AvailableReplicas ?? 0) ||
        (current.ObservedGeneration ?? 0) != generation ||
        !SameConditions(current.Conditions, next.Conditions);

    public static ReplicaSetCondition? Get(ReplicaSetStatus status, string type) =>
        status.Conditions?.FirstOrDefault(c => c.Type == type);

    /// <summary>Adds or replaces a condition; one with the same status and reason is left as it is.</summary>
    public static void Set(ReplicaSetStatus status, ReplicaSetCondition condition)
    {
        var current = Get(status, condition.Type);
        if (current is not null && current.Status == condition.Status && current.Reason == condition.Reason)
        {
            return;
        }
        status.Conditions = [.. status.Conditions?.Where(c => c.Type != condition.Type) ?? [], condition];
    }

    public static int? NullIfZero(int value) => value == 0 ? null : value;

    /// <summary>Times travel with whole seconds on the wire; dropping the rest keeps a round trip from looking like a change.</summary>
    public static DateTimeOffset Seconds(DateTimeOffset t) => new(t.Ticks - (t.Ticks % TimeSpan.TicksPerSecond), t.Offset);

    private static bool SameConditions(List<ReplicaSetCondition>? a, List<ReplicaSetCondition>? b)
    {
        a ??= [];
        b ??= [];
        return a.Count == b.Count && a.Zip(b).All(p =>
            p.First.Type == p.Second.Type && p.First.Status == p.Second.Status && p.First.Reason == p.Second.Reason &&
            p.First.Message == p.Second.Message && p.First.LastTransitionTime == p.Second.LastTransitionTime);
    }
}
