using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Controllers.ReplicaSets;
using Axolotl.Controllers.Runtime;

namespace Axolotl.Controllers.DaemonSets;

/// <summary>
/// Informer changes into DaemonSet keys (upstream addPod/updatePod/deletePod/addNode/updateNode): a
/// pod wakes its controlling DaemonSet (and settles its expectations), an orphan every DaemonSet that
/// selects it, and a node change every DaemonSet, since any of them may now want or lose that node.
/// </summary>
internal sealed class DaemonSetEventRouter(IObjectCache<DaemonSet> daemonSets, ControllerExpectations expectations, Action<ObjectKey> enqueue)
{
    public void DaemonSetChanged(DaemonSet ds) => enqueue(ObjectKey.Of(ds));

    public void DaemonSetDeleted(DaemonSet ds)
    {
        var key = ObjectKey.Of(ds);
        expectations.Delete(key.ToString());
        enqueue(key);
    }

    public void PodAdded(Pod pod)
    {
        if (pod.Metadata.DeletionTimestamp is not null)
        {
            PodDeleted(pod);
            return;
        }
        if (Owner(pod) is { } owner)
        {
            var key = ObjectKey.Of(owner);
            expectations.CreationObserved(key.ToString());
            enqueue(key);
            return;
        }
        if (ControllerRefs.ControllerOf(pod) is null)
        {
            EnqueueSelecting(pod);
        }
    }

    public void PodUpdated(Pod old, Pod pod)
    {
        if (old.Metadata.ResourceVersion == pod.Metadata.ResourceVersion)
        {
            return;
        }
        if (pod.Metadata.DeletionTimestamp is not null)
        {
            PodDeleted(pod);
            return;
        }
        if (Owner(old) is { } previous && Owner(pod)?.Metadata.Uid != previous.Metadata.Uid)
        {
            enqueue(ObjectKey.Of(previous));
        }
        if (Owner(pod) is { } owner)
        {
            enqueue(ObjectKey.Of(owner));
            return;
        }
        if (ControllerRefs.ControllerOf(pod) is null)
        {
            EnqueueSelecting(pod);
        }
    }

    public void PodDeleted(Pod pod)
    {
        if (Owner(pod) is { } owner)
        {
            var key = ObjectKey.Of(owner);
            expectations.DeletionObserved(key.ToString(), PodState.Key(pod));
            enqueue(key);
        }
    }

    public void NodeChanged(Node node)
    {
        foreach (var ds in daemonSets.List(null))
        {
            enqueue(ObjectKey.Of(ds));
        }
    }

    private DaemonSet? Owner(Pod pod)
    {
        if (ControllerRefs.ControllerOf(pod) is not { Kind: "DaemonSet" } reference)
        {
            return null;
        }
        var ds = daemonSets.Get(pod.Metadata.Namespace, reference.Name);
        return ds?.Metadata.Uid == reference.Uid ? ds : null;
    }

    private void EnqueueSelecting(Pod pod)
    {
        foreach (var ds in daemonSets.List(pod.Metadata.Namespace))
        {
            try
            {
                var selector = Axolotl.Api.Selectors.ParsedLabelSelector.FromModel(ds.Spec?.Selector);
                if (!selector.IsEmpty && selector.Matches(pod.Metadata.Labels))
                {
                    enqueue(ObjectKey.Of(ds));
                }
            }
            catch (FormatException)
            {
                // An invalid selector selects nothing.
            }
        }
    }
}
