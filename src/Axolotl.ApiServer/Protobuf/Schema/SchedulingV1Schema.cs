namespace Axolotl.ApiServer.Protobuf.Schema;

// Field numbers from kubernetes/api scheduling/v1 generated.proto (v1.32); JSON names and omitempty from types.go.

/// <summary>Protobuf → JSON field tables for scheduling.k8s.io/v1: PriorityClass (kubectl create priorityclass sends protobuf).</summary>
internal static class SchedulingV1Schema
{
    public static void Register(Func<string, PackageBuilder> package)
    {
        var s = package("scheduling.v1");
        s.Message("PriorityClass")
            .Msg(1, "metadata", "meta.v1.ObjectMeta")
            .Int(2, "value", Zero.Keep)
            .Bool(3, "globalDefault")
            .Str(4, "description")
            .Str(5, "preemptionPolicy", Zero.Keep);
    }
}
