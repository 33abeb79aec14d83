using Axolotl.Api.Meta;

namespace Axolotl.Client.Informers;

/// <summary>Index names every <see cref="Lister{T}"/> maintains, and the cache key format.</summary>
public static class CacheIndexes
{
    /// <summary>Objects by metadata.namespace ("" for cluster-scoped objects).</summary>
    public const string Namespace = "namespace";

    /// <summary>Objects by the UID of each of their ownerReferences.</summary>
    public const string OwnerUid = "ownerUid";

    /// <summary>Objects by the UID of their controller ownerReference only.</summary>
    public const string ControllerUid = "controllerUid";

    /// <summary>Pods by spec.nodeName (unbound pods are in no entry); consumers add it with <see cref="Lister{T}.EnsureIndex"/>.</summary>
    public const string NodeName = "nodeName";

    public static IEnumerable<string> ByNodeName(Api.Core.Pod pod) =>
        pod.Spec?.NodeName is { Length: > 0 } node ? [node] : [];

    /// <summary>"namespace/name", or "name" for cluster-scoped objects, as upstream's MetaNamespaceKeyFunc.</summary>
    public static string Key(string? ns, string name) => string.IsNullOrEmpty(ns) ? name : $"{ns}/{name}";

    public static string Key(KubeObject obj) => Key(obj.Metadata.Namespace, obj.Metadata.Name ?? "");

    internal static IEnumerable<string> ByNamespace(KubeObject obj) => [obj.Metadata.Namespace ?? ""];

    internal static IEnumerable<string> ByOwnerUid(KubeObject obj) =>
        obj.Metadata.OwnerReferences?.Select(r => r.Uid).Where(u => u.Length > 0) ?? [];

    internal static IEnumerable<string> ByControllerUid(KubeObject obj) =>
        obj.Metadata.OwnerReferences?.Where(r => r.Controller == true).Select(r => r.Uid).Where(u => u.Length > 0) ?? [];
}
