using Axolotl.Api.Apps;

namespace Axolotl.Controllers.Deployments;

/// <summary>Deployment condition types, reasons and setters (upstream deployment_util.go).</summary>
public static class DeploymentConditions
{
    public const string Available = "Available";
    public const string Progressing = "Progressing";
    public const string ReplicaFailure = "ReplicaFailure";

    // Progressing reasons.
    public const string ReplicaSetUpdated = "ReplicaSetUpdated";
    public const string FailedRSCreate = "ReplicaSetCreateError";
    public const string NewReplicaSetCreated = "NewReplicaSetCreated";
    public const string FoundNewReplicaSet = "FoundNewReplicaSet";
    public const string NewReplicaSetAvailable = "NewReplicaSetAvailable";
    public const string ProgressDeadlineExceeded = "ProgressDeadlineExceeded";
    public const string DeploymentPaused = "DeploymentPaused";
    public const string DeploymentResumed = "DeploymentResumed";

    // Available reasons.
    public const string MinimumReplicasAvailable = "MinimumReplicasAvailable";
    public const string MinimumReplicasUnavailable = "MinimumReplicasUnavailable";

    /// <summary>A condition stamped now (whole seconds, as it travels) for both update and transition time.</summary>
    public static DeploymentCondition New(string type, string status, string reason, string message, DateTimeOffset now)
    {
        var at = ReplicaSets.ReplicaSetStatuses.Seconds(now);
        return new DeploymentCondition { Type = type, Status = status, LastUpdateTime = at, LastTransitionTime = at, Reason = reason, Message = message };
    }

    public static DeploymentCondition? Get(DeploymentStatus? status, string type) =>
        status?.Conditions?.FirstOrDefault(c => c.Type == type);

    /// <summary>
    /// Adds or replaces a condition. One with the same status and reason is left alone; one with the same
    /// status keeps its lastTransitionTime.
    /// </summary>
    public static void Set(DeploymentStatus status, DeploymentCondition condition)
    {
        var current = Get(status, condition.Type);
        if (current is not null && current.Status == condition.Status && current.Reason == condition.Reason)
        {
            return;
        }
        if (current is not null && current.Status == condition.Status)
        {
            condition.LastTransitionTime = current.LastTransitionTime;
        }
        status.Conditions = [.. status.Conditions?.Where(c => c.Type != condition.Type) ?? [], condition];
    }

    public static void Remove(DeploymentStatus status, string type)
    {
        status.Conditions = status.Conditions?.Where(c => c.Type != type).ToList();
        if (status.Conditions is { Count: 0 })
        {
            status.Conditions = null;
        }
    }

    /// <summary>A ReplicaSet's ReplicaFailure surfaced on its Deployment.</summary>
    public static DeploymentCondition FromReplicaSet(ReplicaSetCondition condition) => new()
    {
        Type = condition.Type,
        Status = condition.Status,
        LastTransitionTime = condition.LastTransitionTime,
        LastUpdateTime = condition.LastTransitionTime,
        Reason = condition.Reason,
        Message = condition.Message,
    };
}
