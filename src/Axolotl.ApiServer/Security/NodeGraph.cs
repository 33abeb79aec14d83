using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Registry;

namespace Axolotl.ApiServer.Security;

/// <summary>
/// Which objects a node may read, answered from the store when asked: an object is related to a node
/// when a pod bound to that node references it (upstream keeps this as a graph fed by informers; a
/// lookup of the namespace's pods per read is exact, needs no cache to fall behind, and nodes read
/// these objects only when a pod starts or a content volume refreshes).
/// </summary>
public sealed class NodeGraph(ObjectStore objects)
{
    /// <summary>The kinds a node may read only through a relationship.</summary>
    public static readonly IReadOnlySet<string> RelatedResources = new HashSet<string>(StringComparer.Ordinal)
    {
        "secrets", "configmaps", "persistentvolumeclaims", "serviceaccounts",
    };

    public async Task<bool> HasRelationshipAsync(string node, string resource, string ns, string name, CancellationToken ct)
    {
        if (node.Length == 0 || !RelatedResources.Contains(resource))
        {
            return false;
        }
        var pods = await objects.ListAsync(KnownResources.Pods, ns, 0, null, ct);
        foreach (var entry in pods.Items)
        {
            var pod = ObjectStore.Decode(entry).Object;
            if (pod["spec"]?["nodeName"]?.GetValueKind() == System.Text.Json.JsonValueKind.String &&
                pod["spec"]!["nodeName"]!.GetValue<string>() == node &&
                PodReferences.References(pod, resource, name))
            {
                return true;
            }
        }
        return false;
    }
}
