using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.Api.Selectors;

namespace Axolotl.Controllers.ReplicaSets;

/// <summary>
/// How the shared replica core reads and writes one owner kind. ReplicaSets and ReplicationControllers
/// differ only in their selector (a ParsedLabelSelector or an equality map) and their wire types; upstream
/// converts RCs to RSs for the same reason. Values returned from the cache's objects are read-only.
/// </summary>
public abstract class ReplicaKind<TOwner>
    where TOwner : KubeObject
{
    public abstract ResourceType Resource { get; }

    /// <summary>source.component of the controller's events, and the name of its loop.</summary>
    public abstract string Component { get; }

    /// <summary>spec.replicas (1 when unset, as defaulting does).</summary>
    public abstract int Replicas(TOwner owner);

    public abstract int MinReadySeconds(TOwner owner);

    /// <exception cref="FormatException">The stored selector is invalid.</exception>
    public abstract ParsedLabelSelector Selector(TOwner owner);

    public abstract PodTemplateSpec? Template(TOwner owner);

    /// <summary>The status in ReplicaSet form (a new object; changing it changes nothing).</summary>
    public abstract ReplicaSetStatus Status(TOwner owner);

    /// <summary>Sets <paramref name="status"/> on <paramref name="copy"/>, which must be a private copy.</summary>
    public abstract void SetStatus(TOwner copy, ReplicaSetStatus status);

    protected static ReplicaSetStatus CopyOf(ReplicaSetStatus? status) => new()
    {
        Replicas = status?.Replicas ?? 0,
        FullyLabeledReplicas = status?.FullyLabeledReplicas,
        ReadyReplicas = status?.ReadyReplicas,
        AvailableReplicas = status?.AvailableReplicas,
        ObservedGeneration = status?.ObservedGeneration,
        Conditions = status?.Conditions?.Select(c => new ReplicaSetCondition
        {
            Type = c.Type,
            Status = c.Status,
            LastTransitionTime = c.LastTransitionTime,
            Reason = c.Reason,
            Message = c.Message,
        }).ToList(),
        ExtensionData = status?.ExtensionData,
    };
}
