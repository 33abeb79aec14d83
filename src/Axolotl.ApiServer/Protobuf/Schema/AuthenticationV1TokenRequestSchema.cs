namespace Axolotl.ApiServer.Protobuf.Schema;

// From kubernetes/api authentication/v1 generated.proto (numbers) and types.go (JSON names); kept to
// TokenRequest so the review types can live in a table of their own.

/// <summary>Protobuf → JSON field tables for authentication.k8s.io/v1 TokenRequest (kubectl create token).</summary>
internal static class AuthenticationV1TokenRequestSchema
{
    public static void Register(Func<string, PackageBuilder> package)
    {
        var s = package("authentication.v1");
        s.Message("BoundObjectReference")
            .Str(1, "kind")
            .Str(2, "apiVersion")
            .Str(3, "name")
            .Str(4, "uid");
        s.Message("TokenRequest")
            .Msg(1, "metadata", "meta.v1.ObjectMeta")
            .Msg(2, "spec", "TokenRequestSpec")
            .Msg(3, "status", "TokenRequestStatus");
        s.Message("TokenRequestSpec")
            .Strs(1, "audiences")
            .Int(4, "expirationSeconds")
            .Msg(3, "boundObjectRef", "BoundObjectReference");
        s.Message("TokenRequestStatus")
            .Str(1, "token")
            .Time(2, "expirationTimestamp");
    }
}
