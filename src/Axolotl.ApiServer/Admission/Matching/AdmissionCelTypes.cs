using Axolotl.Cel.Types;
using T = Axolotl.Cel.Types.CelDeclType;

namespace Axolotl.ApiServer.Admission.Matching;

/// <summary>
/// The declared types of the admission CEL variables, as kube-apiserver's BuildRequestType and BuildNamespaceType
/// declare them: <c>request</c> is a <c>kubernetes.AdmissionRequest</c> (no uid, object or oldObject: those are
/// variables of their own) and <c>namespaceObject</c> a <c>kubernetes.Namespace</c> with the fields upstream exposes;
/// <c>object</c>, <c>oldObject</c> and <c>params</c> are dyn. Upstream's timestamps in the namespace are dyn here: we
/// hand the namespace over as JSON, where they are strings.
/// </summary>
public static class AdmissionCelTypes
{
    public static readonly T Request = BuildRequest();

    public static readonly T Namespace = BuildNamespace();

    private static T Object(string name, params (string Field, T Type)[] fields) =>
        T.Object(name, fields.ToDictionary(f => f.Field, f => f.Type, StringComparer.Ordinal));

    private static T BuildRequest()
    {
        var gvk = Object("kubernetes.GroupVersionKind", ("group", T.String), ("version", T.String), ("kind", T.String));
        var gvr = Object("kubernetes.GroupVersionResource", ("group", T.String), ("version", T.String), ("resource", T.String));
        var userInfo = Object("kubernetes.UserInfo", ("username", T.String), ("uid", T.String), ("groups", T.List(T.String)),
            ("extra", T.Map(T.String, T.List(T.String))));
        return Object("kubernetes.AdmissionRequest", ("kind", gvk), ("resource", gvr), ("subResource", T.String),
            ("requestKind", gvk), ("requestResource", gvr), ("requestSubResource", T.String), ("name", T.String),
            ("namespace", T.String), ("operation", T.String), ("userInfo", userInfo), ("dryRun", T.Bool), ("options", T.Dyn));
    }

    private static T BuildNamespace()
    {
        var spec = Object("kubernetes.NamespaceSpec", ("finalizers", T.List(T.String)));
        var condition = Object("kubernetes.NamespaceCondition", ("status", T.String), ("type", T.String),
            ("lastTransitionTime", T.Dyn), ("message", T.String), ("reason", T.String));
        var status = Object("kubernetes.NamespaceStatus", ("conditions", T.List(condition)), ("phase", T.String));
        var metadata = Object("kubernetes.NamespaceMetadata", ("name", T.String), ("generateName", T.String), ("namespace", T.String),
            ("labels", T.Map(T.String, T.String)), ("annotations", T.Map(T.String, T.String)), ("UID", T.String),
            ("creationTimestamp", T.Dyn), ("deletionGracePeriodSeconds", T.Int), ("deletionTimestamp", T.Dyn),
            ("generation", T.Int), ("resourceVersion", T.String), ("finalizers", T.List(T.String)));
        return Object("kubernetes.Namespace", ("metadata", metadata), ("spec", spec), ("status", status));
    }

    /// <summary>
    /// Upstream's check of an admission expression's result type (a dyn result is refused too, as there):
    /// null when <paramref name="type"/> is <paramref name="expected"/>, else "must evaluate to bool but got int".
    /// </summary>
    public static string? ResultError(T? type, T expected) =>
        type is null || type.IsExactly(expected) ? null : $"must evaluate to {Spell(expected)} but got {Spell(type)}";

    // cel-go's Type.String(): declared names with parameters, google.protobuf names for the well-known types.
    private static string Spell(T t) => t.Parameters.Count == 0 ? t.Name : $"{t.Name}({string.Join(", ", t.Parameters.Select(Spell))})";
}
