namespace Axolotl.ApiServer.Protobuf.Schema;

// Field numbers from k8s.io/api/rbac/v1/generated.proto (kubernetes/api v0.32), JSON names and
// omitempty from its types.go; written in the generator's shape (gen_schema.py had no rbac package).

/// <summary>Protobuf → JSON field tables for rbac.authorization.k8s.io/v1 (kubectl create role/rolebinding send protobuf).</summary>
internal static class RbacV1Schema
{
    public static void Register(Func<string, PackageBuilder> package)
    {
        var s = package("rbac.v1");
        s.Message("AggregationRule")
            .Msgs(1, "clusterRoleSelectors", "meta.v1.LabelSelector");
        s.Message("ClusterRole")
            .Msg(1, "metadata", "meta.v1.ObjectMeta")
            .Msgs(2, "rules", "PolicyRule")
            .Msg(3, "aggregationRule", "AggregationRule");
        s.Message("ClusterRoleBinding")
            .Msg(1, "metadata", "meta.v1.ObjectMeta")
            .Msgs(2, "subjects", "Subject")
            .Msg(3, "roleRef", "RoleRef");
        s.Message("PolicyRule")
            .Strs(1, "verbs")
            .Strs(2, "apiGroups")
            .Strs(3, "resources")
            .Strs(4, "resourceNames")
            .Strs(5, "nonResourceURLs");
        s.Message("Role")
            .Msg(1, "metadata", "meta.v1.ObjectMeta")
            .Msgs(2, "rules", "PolicyRule");
        s.Message("RoleBinding")
            .Msg(1, "metadata", "meta.v1.ObjectMeta")
            .Msgs(2, "subjects", "Subject")
            .Msg(3, "roleRef", "RoleRef");
        s.Message("RoleRef")
            .Str(1, "apiGroup", Zero.Keep)
            .Str(2, "kind", Zero.Keep)
            .Str(3, "name", Zero.Keep);
        s.Message("Subject")
            .Str(1, "kind", Zero.Keep)
            .Str(2, "apiGroup")
            .Str(3, "name", Zero.Keep)
            .Str(4, "namespace");
    }
}
