using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.Api.Selectors;

namespace Axolotl.Controllers.ReplicaSets;

/// <summary>apps/v1 ReplicaSets, written by the "replicaset-controller".</summary>
public sealed class ReplicaSetKind : ReplicaKind<ReplicaSet>
{
    public static ReplicaSetKind Instance { get; } = new();

    public override ResourceType Resource => KnownResources.ReplicaSets;

    public override string Component => "replicaset-controller";

    public override int Replicas(ReplicaSet owner) => owner.Spec?.Replicas ?? 1;

    public override int MinReadySeconds(ReplicaSet owner) => owner.Spec?.MinReadySeconds ?? 0;

    public override ParsedLabelSelector Selector(ReplicaSet owner) => ParsedLabelSelector.FromModel(owner.Spec?.Selector);

    public override PodTemplateSpec? Template(ReplicaSet owner) => owner.Spec?.Template;

    public override ReplicaSetStatus Status(ReplicaSet owner) => CopyOf(owner.Status);

    public override void SetStatus(ReplicaSet copy, ReplicaSetStatus status) => copy.Status = status;
}
