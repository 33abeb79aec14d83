using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Controllers.Runtime;

namespace Axolotl.Controllers.ReplicaSets;

/// <summary>
/// Turns informer changes into owner keys (upstream addPod/updatePod/deletePod and the RS handlers),
/// and records what the expectations are waiting for: a pod that appears with a controller reference
/// is an observed creation; a pod that starts terminating or disappears is an observed deletion. An
/// orphan wakes every owner whose selector matches it, so that one of them can adopt it.
/// </summary>
internal sealed class ReplicaSetEventRouter<TOwner>(
    ReplicaKind<TOwner> kind,
    IObjectCache<TOwner> owners,
    ControllerExpectations expectations,
    Action<ObjectKey> enqueue,
    Action<ObjectKey, TimeSpan> enqueueAfter)
    where TOwner : KubeObject
{
    public void OwnerChanged(TOwner owner) => enqueue(ObjectKey.Of(owner));

    public void OwnerDeleted(TOwner owner)
    {
        var key = ObjectKey.Of(owner);
        expectations.Delete(key.ToString());
        enqueue(key);
    }

    public void PodAdded(Pod pod)
    {
        if (pod.Metadata.DeletionTimestamp is not null)
        {
            // Seen for the first time already terminating (e.g. after a relist): a deletion, not a creation.
            PodDeleted(pod);
            return;
        }
        if (ControllerRefs.ControllerOf(pod) is { } reference)
        {
            if (Resolve(pod.Metadata.Namespace, reference) is { } owner)
            {
                var key = ObjectKey.Of(owner);
                expectations.CreationObserved(key.ToString());
                enqueue(key);
            }
            return;
        }
        EnqueueSelecting(pod);
    }

    public void PodUpdated(Pod old, Pod pod)
    {
        if (old.Metadata.ResourceVersion == pod.Metadata.ResourceVersion)
        {
            // A relist replays unchanged pods; nothing to do.
            return;
        }
        var labelsChanged = !SameLabels(old.Metadata.Labels, pod.Metadata.Labels);
        if (pod.Metadata.DeletionTimestamp is not null)
        {
            // A terminating pod counts as gone now, so its replacement need not wait for the grace period.
            PodDeleted(pod);
            if (labelsChanged)
            {
                PodDeleted(old);
            }
            return;
        }
        var oldRef = ControllerRefs.ControllerOf(old);
        var newRef = ControllerRefs.ControllerOf(pod);
        var refChanged = oldRef?.Uid != newRef?.Uid;
        if (refChanged && oldRef is not null && Resolve(old.Metadata.Namespace, oldRef) is { } previous)
        {
            enqueue(ObjectKey.Of(previous));
        }
        if (newRef is not null)
        {
            if (Resolve(pod.Metadata.Namespace, newRef) is { } owner)
            {
                var key = ObjectKey.Of(owner);
                enqueue(key);
                var minReadySeconds = kind.MinReadySeconds(owner);
                if (minReadySeconds > 0 && !PodState.IsReady(old) && PodState.IsReady(pod))
                {
                    // Available only once it has stayed ready that long: look again then.
                    enqueueAfter(key, TimeSpan.FromSeconds(minReadySeconds + 1));
                }
            }
            return;
        }
        if (labelsChanged || refChanged)
        {
            EnqueueSelecting(pod);
        }
    }

    public void PodDeleted(Pod pod)
    {
        if (ControllerRefs.ControllerOf(pod) is { } reference && Resolve(pod.Metadata.Namespace, reference) is { } owner)
        {
            var key = ObjectKey.Of(owner);
            expectations.DeletionObserved(key.ToString(), PodState.Key(pod));
            enqueue(key);
        }
    }

    /// <summary>The cached owner a controller reference points to, if it is still the same object (same UID).</summary>
    private TOwner? Resolve(string? ns, OwnerReference reference)
    {
        if (!ControllerRefs.Refers(reference, kind.Resource))
        {
            return null;
        }
        var owner = owners.Get(ns, reference.Name);
        return owner?.Metadata.Uid == reference.Uid ? owner : null;
    }

    private void EnqueueSelecting(Pod pod)
    {
        foreach (var owner in owners.List(pod.Metadata.Namespace))
        {
            try
            {
                var selector = kind.Selector(owner);
                if (!selector.IsEmpty && selector.Matches(pod.Metadata.Labels))
                {
                    enqueue(ObjectKey.Of(owner));
                }
            }
            catch (FormatException)
            {
                // An owner with an invalid selector selects nothing.
            }
        }
    }

    private static bool SameLabels(Dictionary<string, string>? a, Dictionary<string, string>? b) =>
        (a?.Count ?? 0) == (b?.Count ?? 0) && (a is null || a.All(p => b!.TryGetValue(p.Key, out var v) && v == p.Value));
}
