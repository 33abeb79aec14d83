namespace Axolotl.ApiServer.Protobuf.Schema;

// Written by hand from kubernetes/api autoscaling/v1 generated.proto (field numbers) and types.go (JSON names):
// the typed client of `kubectl autoscale` posts an autoscaling/v1 HorizontalPodAutoscaler as protobuf.

/// <summary>Protobuf → JSON field tables for autoscaling/v1: HorizontalPodAutoscaler.</summary>
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
    }
}
