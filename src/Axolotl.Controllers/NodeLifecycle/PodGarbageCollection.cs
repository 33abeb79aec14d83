using Axolotl.Api.Core;

namespace Axolotl.Controllers.NodeLifecycle;

/// <summary>
/// Which terminating pods on a node must be force-deleted because nobody will finish them (upstream
/// podgc's gcTerminating, which does this for nodes marked out-of-service). Here the node's own state
/// decides: on an unreachable node (Ready Unknown) at once, since its agent is gone and the pod would
/// otherwise stay Terminating until it returns; on a node reporting NotReady once the pod's grace
/// period has run out. A node that comes back then finds nothing stale to run.
/// </summary>
public static class PodGarbageCollection
{
    public static bool ShouldForceDelete(Pod pod, Node node, DateTimeOffset now)
    {
        if (pod.Metadata.DeletionTimestamp is not { } deleting)
        {
            return false;
        }
        return NodeTaints.Condition(node, "Ready") switch
        {
            "Unknown" => true,
            "False" => deleting <= now,
            _ => false,
        };
    }
}
