namespace Axolotl.ApiServer.Protobuf.Schema;

// Field numbers from kubernetes/api core/v1 generated.proto (v1.32); JSON names and omitempty from types.go.
// Of PersistentVolumeSource's volume kinds only those Axolotl models (hostPath, local, nfs, csi) are listed:
// a protobuf PersistentVolume using another is refused, never decoded partially.

/// <summary>Protobuf → JSON field tables for core/v1 PersistentVolume (claims are in CoreV1VolumeSchema).</summary>
internal static class CoreV1PersistentVolumeSchema
{
    public static void Register(Func<string, PackageBuilder> package)
    {
        var s = package("core.v1");
        s.Message("PersistentVolume")
            .Msg(1, "metadata", "meta.v1.ObjectMeta")
            .Msg(2, "spec", "PersistentVolumeSpec")
            .Msg(3, "status", "PersistentVolumeStatus");
        s.Message("PersistentVolumeSpec")
            .Map(1, "capacity", ProtoType.Quantity)
            .Inline(2, "PersistentVolumeSource")
            .Strs(3, "accessModes")
            .Msg(4, "claimRef", "ObjectReference")
            .Str(5, "persistentVolumeReclaimPolicy")
            .Str(6, "storageClassName")
            .Strs(7, "mountOptions")
            .Str(8, "volumeMode", Zero.Keep)
            .Msg(9, "nodeAffinity", "VolumeNodeAffinity")
            .Str(10, "volumeAttributesClassName", Zero.Keep);
        s.Message("PersistentVolumeSource")
            .Msg(3, "hostPath", "HostPathVolumeSource")
            .Msg(5, "nfs", "NFSVolumeSource")
            .Msg(20, "local", "LocalVolumeSource")
            .Msg(22, "csi", "CSIPersistentVolumeSource");
        s.Message("LocalVolumeSource")
            .Str(1, "path", Zero.Keep)
            .Str(2, "fsType", Zero.Keep);
        s.Message("CSIPersistentVolumeSource")
            .Str(1, "driver", Zero.Keep)
            .Str(2, "volumeHandle", Zero.Keep)
            .Bool(3, "readOnly")
            .Str(4, "fsType")
            .Map(5, "volumeAttributes", ProtoType.String)
            .Msg(6, "controllerPublishSecretRef", "SecretReference")
            .Msg(7, "nodeStageSecretRef", "SecretReference")
            .Msg(8, "nodePublishSecretRef", "SecretReference")
            .Msg(9, "controllerExpandSecretRef", "SecretReference")
            .Msg(10, "nodeExpandSecretRef", "SecretReference");
        s.Message("SecretReference")
            .Str(1, "name")
            .Str(2, "namespace");
        s.Message("VolumeNodeAffinity")
            .Msg(1, "required", "NodeSelector");
        s.Message("PersistentVolumeStatus")
            .Str(1, "phase")
            .Str(2, "message")
            .Str(3, "reason")
            .Time(4, "lastPhaseTransitionTime");
        s.Message("TopologySelectorTerm")
            .Msgs(1, "matchLabelExpressions", "TopologySelectorLabelRequirement");
        s.Message("TopologySelectorLabelRequirement")
            .Str(1, "key", Zero.Keep)
            .Strs(2, "values");
    }
}
