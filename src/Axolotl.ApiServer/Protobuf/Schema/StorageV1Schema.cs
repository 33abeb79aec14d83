namespace Axolotl.ApiServer.Protobuf.Schema;

// Field numbers from kubernetes/api storage/v1 generated.proto (v1.32); JSON names and omitempty from types.go.

/// <summary>Protobuf → JSON field tables for storage.k8s.io/v1: StorageClass.</summary>
internal static class StorageV1Schema
{
    public static void Register(Func<string, PackageBuilder> package)
    {
        var s = package("storage.v1");
        s.Message("StorageClass")
            .Msg(1, "metadata", "meta.v1.ObjectMeta")
            .Str(2, "provisioner", Zero.Keep)
            .Map(3, "parameters", ProtoType.String)
            .Str(4, "reclaimPolicy", Zero.Keep)
            .Strs(5, "mountOptions")
            .Bool(6, "allowVolumeExpansion", Zero.Keep)
            .Str(7, "volumeBindingMode", Zero.Keep)
            .Msgs(8, "allowedTopologies", "core.v1.TopologySelectorTerm");
    }
}
