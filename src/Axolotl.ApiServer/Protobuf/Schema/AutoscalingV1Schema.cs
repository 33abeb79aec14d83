namespace Axolotl.ApiServer.Protobuf.Schema;

// Written by hand from kubernetes/api autoscaling/v1 generated.proto (field numbers) and types.go (JSON names):
// the typed client of `kubectl autoscale` posts an autoscaling/v1 HorizontalPodAutoscaler as protobuf, and
// client-go's UpdateScale puts a Scale to the scale subresource of deployments, replicasets and statefulsets.

/// <summary>Protobuf → JSON field tables for autoscaling/v1: HorizontalPodAutoscaler and Scale.</summary>
internal static class AutoscalingV1Schema
{
    public static void Register(Func<string, PackageBuilder> package)
    {
        var s = package("autoscaling.v1");
        s.Message("HorizontalPodAutoscaler")
            .Msg(1, "metadata", "meta.v1.ObjectMeta")
            .Msg(2, "spec", "HorizontalPodAutoscalerSpec")
            .Msg(3, "status", "HorizontalPodAutoscalerStatus");
        s.Message("HorizontalPodAutoscalerSpec")
            .Msg(1, "scaleTargetRef", "CrossVersionObjectReference")
            .Int(2, "minReplicas")
            .Int(3, "maxReplicas", Zero.Keep)
            .Int(4, "targetCPUUtilizationPercentage");
        s.Message("CrossVersionObjectReference")
            .Str(1, "kind", Zero.Keep)
            .Str(2, "name", Zero.Keep)
            .Str(3, "apiVersion");
        s.Message("HorizontalPodAutoscalerStatus")
            .Int(1, "observedGeneration")
            .Time(2, "lastScaleTime")
            .Int(3, "currentReplicas", Zero.Keep)
            .Int(4, "desiredReplicas", Zero.Keep)
            .Int(5, "currentCPUUtilizationPercentage");
        s.Message("Scale")
            .Msg(1, "metadata", "meta.v1.ObjectMeta")
            .Msg(2, "spec", "ScaleSpec")
            .Msg(3, "status", "ScaleStatus");
        s.Message("ScaleSpec")
            .Int(1, "replicas", Zero.Keep); // gogo writes a non-pointer int32 even when 0: scale to zero
        s.Message("ScaleStatus")
            .Int(1, "replicas", Zero.Keep)
            .Str(2, "selector");
    }
}
