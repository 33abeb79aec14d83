namespace Axolotl.ApiServer.Protobuf.Schema;

// Field numbers from kubernetes/api certificates/v1 generated.proto (kubectl certificate approve|deny sends protobuf).

/// <summary>Protobuf → JSON field tables for certificates.k8s.io/v1: CertificateSigningRequest.</summary>
internal static class CertificatesV1Schema
{
    public static void Register(Func<string, PackageBuilder> package)
    {
        var s = package("certificates.v1");
        s.Message("CertificateSigningRequest")
            .Msg(1, "metadata", "meta.v1.ObjectMeta")
            .Msg(2, "spec", "CertificateSigningRequestSpec")
            .Msg(3, "status", "CertificateSigningRequestStatus");
        s.Message("CertificateSigningRequestSpec")
            .Bytes(1, "request")
            .Str(2, "username")
            .Str(3, "uid")
            .Strs(4, "groups")
            .Strs(5, "usages")
            .Map(6, "extra", ProtoType.StringList)
            .Str(7, "signerName", Zero.Keep)
            .Int(8, "expirationSeconds");
        s.Message("CertificateSigningRequestStatus")
            .Msgs(1, "conditions", "CertificateSigningRequestCondition")
            .Bytes(2, "certificate");
        s.Message("CertificateSigningRequestCondition")
            .Str(1, "type", Zero.Keep)
            .Str(2, "reason")
            .Str(3, "message")
            .Time(4, "lastUpdateTime")
            .Time(5, "lastTransitionTime")
            .Str(6, "status", Zero.Keep);
    }
}
