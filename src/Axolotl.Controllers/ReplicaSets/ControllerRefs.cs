using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;

namespace Axolotl.Controllers.ReplicaSets;

/// <summary>Controller ownerReferences: the one reference per object with controller: true.</summary>
internal static class ControllerRefs
{
    public static OwnerReference? ControllerOf(KubeObject obj) =>
        obj.Metadata.OwnerReferences?.FirstOrDefault(r => r.Controller == true);

    /// <summary>
    /// The reference a controller puts on what it creates or adopts. blockOwnerDeletion keeps a
    /// foreground deletion of the owner waiting for it, as upstream's NewControllerRef does.
    /// </summary>
    public static OwnerReference NewControllerRef(KubeObject owner, ResourceType type) => new()
    {
        ApiVersion = type.ApiVersion,
        Kind = type.Kind,
        Name = owner.Metadata.Name ?? "",
        Uid = owner.Metadata.Uid ?? "",
        Controller = true,
        BlockOwnerDeletion = true,
    };

    /// <summary>True when <paramref name="reference"/> names an object of <paramref name="type"/> (any version of its group).</summary>
    public static bool Refers(OwnerReference reference, ResourceType type) =>
        reference.Kind == type.Kind && KnownResources.ParseApiVersion(reference.ApiVersion).Group == type.Group;
}
