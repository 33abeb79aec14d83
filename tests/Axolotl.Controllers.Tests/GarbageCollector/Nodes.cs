using Axolotl.Api.Meta;
using Axolotl.Controllers.GarbageCollector;

namespace Axolotl.Controllers.Tests.GarbageCollector;

/// <summary>Small builders for graph nodes and owner references.</summary>
internal static class Nodes
{
    public static OwnerReference Ref(string uid, string kind = "ReplicaSet", string name = "owner", bool block = false, bool controller = true) => new()
    {
        ApiVersion = kind is "ReplicaSet" or "Deployment" ? "apps/v1" : "v1",
        Kind = kind,
        Name = name,
        Uid = uid,
        Controller = controller,
        BlockOwnerDeletion = block ? true : null,
    };

    public static GraphNode Pod(string uid, params OwnerReference[] owners) => Node(uid, "Pod", owners);

    public static GraphNode ReplicaSet(string uid, params OwnerReference[] owners) => Node(uid, "ReplicaSet", owners);

    public static GraphNode Node(string uid, string kind, OwnerReference[] owners, bool beingDeleted = false, params string[] finalizers) => new()
    {
        Uid = uid,
        ApiVersion = kind is "ReplicaSet" or "Deployment" ? "apps/v1" : "v1",
        Kind = kind,
        Namespace = "default",
        Name = $"{kind.ToLowerInvariant()}-{uid}",
        ResourceVersion = "1",
        Owners = owners,
        BeingDeleted = beingDeleted,
        Finalizers = finalizers,
    };

    public static GraphNode Deleting(this GraphNode node, params string[] finalizers) => node with { BeingDeleted = true, Finalizers = finalizers };
}
