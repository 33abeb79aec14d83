namespace Axolotl.ApiServer.OpenApi;

/// <summary>
/// Upstream's operationId scheme: verb, then the group-version ("CoreV1", "AppsV1", "CoordinationV1"), then
/// "Namespaced" for namespaced resources, the kind and the subresource: patchAppsV1NamespacedDeployment,
/// readCoreV1NamespacedPodStatus, listCoreV1PodForAllNamespaces, deleteCoreV1CollectionNamespacedPod.
/// </summary>
internal static class OperationIds
{
    public static string GroupVersion(string group, string version)
    {
        var trimmed = group.EndsWith(".k8s.io", StringComparison.Ordinal) ? group[..^".k8s.io".Length] : group;
        var name = trimmed.Length == 0
            ? "Core"
            : string.Concat(trimmed.Split('.', StringSplitOptions.RemoveEmptyEntries).Select(Title));
        return name + Title(version);
    }

    public static string Title(string word) => word.Length == 0 ? word : char.ToUpperInvariant(word[0]) + word[1..];
}
