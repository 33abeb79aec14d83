using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.Api.Selectors;

namespace Axolotl.Controllers.ReplicaSets;

/// <summary>core/v1 ReplicationControllers, written by the "replication-controller".</summary>
public sealed class ReplicationControllerKind : ReplicaKind<ReplicationController>
{
    public static ReplicationControllerKind Instance { get; } = new();

    public override ResourceType Resource => KnownResources.ReplicationControllers;

    public override string Component => "replication-controller";

    public override int Replicas(ReplicationController owner) => owner.Spec?.Replicas ?? 1;

    public override int MinReadySeconds(ReplicationController owner) => owner.Spec?.MinReadySeconds ?? 0;

    /// <summary>An equality selector: every pair must be present.</summary>
    public override ParsedLabelSelector Selector(ReplicationController owner) => ParsedLabelSelector.FromSet(owner.Spec?.Selector);

    public override PodTemplateSpec? Template(ReplicationController owner) => owner.Spec?.Template;

    public override ReplicaSetStatus Status(ReplicationController owner)
    {
        var status = owner.Status;
        return CopyOf(status is null ? null : new ReplicaSetStatus
        {
            Replicas = status.Replicas,
            FullyLabeledReplicas = status.FullyLabeledReplicas,
            ReadyReplicas = status.ReadyReplicas,
            AvailableReplicas = status.AvailableReplicas,
            ObservedGeneration = status.ObservedGeneration,
            Conditions = status.Conditions?.Select(c => new ReplicaSetCondition
            {
                Type = c.Type,
                Status = c.Status,
                LastTransitionTime = c.LastTransitionTime,
                Reason = c.Reason,
                Message = c.Message,
            }).ToList(),
            ExtensionData = status.ExtensionData,
        });
    }

    public override void SetStatus(ReplicationController copy, ReplicaSetStatus status) => copy.Status = new ReplicationControllerStatus
    {
        Replicas = status.Replicas,
        FullyLabeledReplicas = status.FullyLabeledReplicas,
        ReadyReplicas = status.ReadyReplicas,
        AvailableReplicas = status.AvailableReplicas,
        ObservedGeneration = status.ObservedGeneration,
        Conditions = status.Conditions?.Select(c => new ReplicationControllerCondition
        {
            Type = c.Type,
            Status = c.Status,
            LastTransitionTime = c.LastTransitionTime,
            Reason = c.Reason,
            Message = c.Message,
        }).ToList(),
        ExtensionData = status.ExtensionData,
    };
}
