using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Controllers.ReplicaSets;
using Axolotl.Controllers.Runtime;

namespace Axolotl.Controllers.StatefulSets;

/// <summary>
/// Informer changes into StatefulSet keys (upstream addPod/updatePod/deletePod): a pod wakes its
/// controlling StatefulSet, an orphan every StatefulSet that selects it (so it may be adopted).
/// </summary>
internal sealed class StatefulSetEventRouter(IObjectCache<StatefulSet> statefulSets, Action<ObjectKey> enqueue)
{
    public void StatefulSetChanged(StatefulSet set) => enqueue(ObjectKey.Of(set));

    public void PodChanged(Pod pod)
    {
        if (Owner(pod) is { } owner)
        {
            enqueue(ObjectKey.Of(owner));
            return;
        }
        if (ControllerRefs.ControllerOf(pod) is null && pod.Metadata.DeletionTimestamp is null)
        {
            foreach (var set in statefulSets.List(pod.Metadata.Namespace))
            {
                try
                {
                    var selector = Axolotl.Api.Selectors.ParsedLabelSelector.FromModel(set.Spec?.Selector);
                    if (!selector.IsEmpty && selector.Matches(pod.Metadata.Labels))
                    {
                        enqueue(ObjectKey.Of(set));
                    }
                }
                catch (FormatException)
                {
                    // An invalid selector selects nothing.
                }
            }
        }
    }

    public void PodUpdated(Pod old, Pod pod)
    {
        if (old.Metadata.ResourceVersion == pod.Metadata.ResourceVersion)
        {
            return;
        }
        if (Owner(old) is { } previous && Owner(pod)?.Metadata.Uid != previous.Metadata.Uid)
        {
            enqueue(ObjectKey.Of(previous));
        }
        PodChanged(pod);
    }

    public void ClaimChanged(PersistentVolumeClaim claim)
    {
        // A claim being deleted holds back its pod's creation; its disappearance must wake the set.
        foreach (var owner in claim.Metadata.OwnerReferences ?? [])
        {
            if (owner.Kind == "StatefulSet")
            {
                enqueue(new ObjectKey(claim.Metadata.Namespace, owner.Name));
            }
        }
        foreach (var set in statefulSets.List(claim.Metadata.Namespace))
        {
            var name = claim.Metadata.Name ?? "";
            if ((set.Spec?.VolumeClaimTemplates ?? []).Any(t => name.StartsWith((t.Metadata.Name ?? "") + "-" + set.Metadata.Name + "-", StringComparison.Ordinal)))
            {
                enqueue(ObjectKey.Of(set));
            }
        }
    }

    private StatefulSet? Owner(Pod pod)
    {
        if (ControllerRefs.ControllerOf(pod) is not { Kind: "StatefulSet" } reference)
        {
            return null;
        }
        var set = statefulSets.Get(pod.Metadata.Namespace, reference.Name);
        return set?.Metadata.Uid == reference.Uid ? set : null;
    }
}
