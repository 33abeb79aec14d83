namespace Axolotl.ApiServer.Protobuf.Schema;

// Written by hand from kubernetes/api coordination/v1 generated.proto and types.go (1.32: strategy=6 and
// preferredHolder=7 included): client-go's leader election renews its Lease with the client's content type,
// protobuf for the components that ask for it. Every LeaseSpec field is a pointer, sent only when set.

/// <summary>Protobuf → JSON field tables for coordination.k8s.io/v1: Lease.</summary>
internal static class CoordinationV1Schema
{
    public static void Register(Func<string, PackageBuilder> package)
    {
        var s = package("coordination.v1");
        s.Message("Lease")
            .Msg(1, "metadata", "meta.v1.ObjectMeta")
            .Msg(2, "spec", "LeaseSpec");
        s.Message("LeaseSpec")
            .Str(1, "holderIdentity", Zero.Keep)
            .Int(2, "leaseDurationSeconds", Zero.Keep)
            .MicroTime(3, "acquireTime")
            .MicroTime(4, "renewTime")
            .Int(5, "leaseTransitions", Zero.Keep)
            .Str(6, "strategy", Zero.Keep)
            .Str(7, "preferredHolder", Zero.Keep);
    }
}
