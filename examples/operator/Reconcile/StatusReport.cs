using EchoOperator.Model;
using k8s.Models;

namespace EchoOperator.Reconcile;

/// <summary>The status an EchoServer should show, computed from its Deployment as observed. Pure.</summary>
public static class StatusReport
{
    public static EchoServerStatus From(EchoServer echo, V1Deployment? deployment, string? conflict, DateTime now)
    {
        var ready = deployment?.Status?.ReadyReplicas ?? 0;
        var current = deployment is not null && (deployment.Status?.ObservedGeneration ?? 0) >= (deployment.Metadata.Generation ?? 0)
            && (deployment.Status?.UpdatedReplicas ?? 0) == echo.Spec.Replicas;
        var (status, reason, message) = conflict is not null
            ? ("False", "NameInUse", conflict)
            : current && ready >= echo.Spec.Replicas
                ? ("True", "AllReplicasReady", $"{ready}/{echo.Spec.Replicas} replicas ready")
                : ("False", "Progressing", $"{ready}/{echo.Spec.Replicas} replicas ready");
        var previous = echo.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
        return new EchoServerStatus
        {
            ObservedGeneration = echo.Metadata.Generation,
            ReadyReplicas = ready,
            Conditions =
            [
                new V1Condition
                {
                    Type = "Ready",
                    Status = status,
                    Reason = reason,
                    Message = message,
                    ObservedGeneration = echo.Metadata.Generation,
                    // The transition time moves only when the status does, as Kubernetes' conditions do.
                    LastTransitionTime = previous?.Status == status ? previous.LastTransitionTime : now,
                },
            ],
        };
    }

    /// <summary>Whether writing <paramref name="next"/> would change what the object shows (no write otherwise, so no watch loop).</summary>
    public static bool Differs(EchoServerStatus? current, EchoServerStatus next)
    {
        if (current is null || current.ObservedGeneration != next.ObservedGeneration || current.ReadyReplicas != next.ReadyReplicas
            || current.Conditions.Count != next.Conditions.Count)
        {
            return true;
        }
        return current.Conditions.Zip(next.Conditions).Any(p => p.First.Type != p.Second.Type || p.First.Status != p.Second.Status
            || p.First.Reason != p.Second.Reason || p.First.Message != p.Second.Message || p.First.ObservedGeneration != p.Second.ObservedGeneration);
    }
}
