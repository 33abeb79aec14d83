namespace Axolotl.ApiServer.Protobuf.Schema;

// Field numbers from k8s.io/api/authentication/v1/generated.proto (kubernetes/api v0.32), JSON names
// and omitempty from its types.go; written in the generator's shape.

/// <summary>Protobuf → JSON field tables for authentication.k8s.io/v1: TokenReview and SelfSubjectReview (kubectl auth whoami).</summary>
internal static class AuthenticationV1Schema
{
    public static void Register(Func<string, PackageBuilder> package)
    {
        var s = package("authentication.v1");
        s.Message("SelfSubjectReview")
            .Msg(1, "metadata", "meta.v1.ObjectMeta")
            .Msg(2, "status", "SelfSubjectReviewStatus");
        s.Message("SelfSubjectReviewStatus")
            .Msg(1, "userInfo", "UserInfo");
        s.Message("TokenReview")
            .Msg(1, "metadata", "meta.v1.ObjectMeta")
            .Msg(2, "spec", "TokenReviewSpec")
            .Msg(3, "status", "TokenReviewStatus");
        s.Message("TokenReviewSpec")
            .Str(1, "token")
            .Strs(2, "audiences");
        s.Message("TokenReviewStatus")
            .Bool(1, "authenticated")
            .Msg(2, "user", "UserInfo")
            .Str(3, "error")
            .Strs(4, "audiences");
        s.Message("UserInfo")
            .Str(1, "username")
            .Str(2, "uid")
            .Strs(3, "groups")
            .Map(4, "extra", ProtoType.StringList);
    }
}
