using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.Api.Selectors;
using Axolotl.Controllers.ReplicaSets;
using Axolotl.Controllers.Runtime;

namespace Axolotl.Controllers.Deployments;

/// <summary>
/// Turns informer changes into Deployment keys (upstream's Deployment controller handlers): any change
/// to a Deployment; a change to a ReplicaSet wakes its controlling Deployment, or for an orphan every
/// Deployment that selects it (one may adopt it); a pod that goes away or finishes wakes a Recreate
/// Deployment, which waits for its old pods before starting new ones.
/// </summary>
internal sealed class DeploymentEventRouter(
    IObjectCache<Deployment> deployments,
    IObjectCache<ReplicaSet> replicaSets,
    Action<ObjectKey> enqueue)
{
    public void DeploymentChanged(Deployment d) => enqueue(ObjectKey.Of(d));

    public void ReplicaSetAdded(ReplicaSet rs)
    {
        if (rs.Metadata.DeletionTimestamp is not null)
        {
            ReplicaSetDeleted(rs);
            return;
        }
        if (ControllerRefs.ControllerOf(rs) is { } reference)
        {
            EnqueueOwner(rs.Metadata.Namespace, reference);
            return;
        }
        EnqueueSelecting(rs);
    }

    public void ReplicaSetUpdated(ReplicaSet old, ReplicaSet rs)
    {
        if (old.Metadata.ResourceVersion == rs.Metadata.ResourceVersion)
        {
            return;
        }
        var oldRef = ControllerRefs.ControllerOf(old);
        var newRef = ControllerRefs.ControllerOf(rs);
        var refChanged = oldRef?.Uid != newRef?.Uid;
        if (refChanged && oldRef is not null)
        {
            EnqueueOwner(old.Metadata.Namespace, oldRef);
        }
        if (newRef is not null)
        {
            EnqueueOwner(rs.Metadata.Namespace, newRef);
            return;
        }
        var labelsChanged = !(old.Metadata.Labels ?? []).OrderBy(p => p.Key, StringComparer.Ordinal)
            .SequenceEqual((rs.Metadata.Labels ?? []).OrderBy(p => p.Key, StringComparer.Ordinal));
        if (labelsChanged || refChanged)
        {
            EnqueueSelecting(rs);
        }
    }

    public void ReplicaSetDeleted(ReplicaSet rs)
    {
        if (ControllerRefs.ControllerOf(rs) is { } reference)
        {
            EnqueueOwner(rs.Metadata.Namespace, reference);
        }
    }

    public void PodDeleted(Pod pod) => EnqueueRecreateOwner(pod);

    public void PodUpdated(Pod old, Pod pod)
    {
        if (old.Status?.Phase != pod.Status?.Phase && pod.Status?.Phase is "Succeeded" or "Failed")
        {
            EnqueueRecreateOwner(pod);
        }
    }

    private void EnqueueRecreateOwner(Pod pod)
    {
        var ns = pod.Metadata.Namespace;
        if (ControllerRefs.ControllerOf(pod) is not { } rsRef || !ControllerRefs.Refers(rsRef, KnownResources.ReplicaSets))
        {
            return;
        }
        var rs = replicaSets.Get(ns, rsRef.Name);
        if (rs?.Metadata.Uid != rsRef.Uid || ControllerRefs.ControllerOf(rs) is not { } dRef)
        {
            return;
        }
        if (Resolve(ns, dRef) is { } d && RolloutMath.StrategyType(d) == RolloutMath.Recreate)
        {
            enqueue(ObjectKey.Of(d));
        }
    }

    private void EnqueueOwner(string? ns, OwnerReference reference)
    {
        if (Resolve(ns, reference) is { } d)
        {
            enqueue(ObjectKey.Of(d));
        }
    }

    private Deployment? Resolve(string? ns, OwnerReference reference)
    {
        if (!ControllerRefs.Refers(reference, KnownResources.Deployments))
        {
            return null;
        }
        var d = deployments.Get(ns, reference.Name);
        return d?.Metadata.Uid == reference.Uid ? d : null;
    }

    private void EnqueueSelecting(ReplicaSet rs)
    {
        foreach (var d in deployments.List(rs.Metadata.Namespace))
        {
            try
            {
                var selector = ParsedLabelSelector.FromModel(d.Spec?.Selector);
                if (!selector.IsEmpty && selector.Matches(rs.Metadata.Labels))
                {
                    enqueue(ObjectKey.Of(d));
                }
            }
            catch (FormatException)
            {
                // A Deployment with an invalid selector selects nothing.
            }
        }
    }
}
