using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Registry;
using Axolotl.ApiServer.Watch.Cache;

namespace Axolotl.ApiServer.Security;

/// <summary>
/// Which objects a node may read: an object is related to a node when a pod bound to that node references it. Upstream keeps
/// this as a graph fed by informers. Here the pod watch cache's index by <c>spec.nodeName</c> names the node's pods in the
/// namespace, and each is read from the store, so a "yes" is exact. When none of them references the object (the cache may
/// not have seen a binding made a moment ago, or the read is not allowed), the store's pods of the namespace are read a page
/// at a time and only those whose stored bytes name this node are decoded: once, every pod of the namespace was decoded for
/// each of a node's reads, 10,000 per read at 100,000 pods, and a thousand nodes re-watching their ConfigMaps at once held
/// half a million store rows and starved the server.
/// </summary>
public sealed class NodeGraph(ObjectStore objects)
{
    private const string NodeNameField = "spec.nodeName";

    private WatchCaches? _caches;

    /// <summary>The kinds a node may read only through a relationship.</summary>
    public static readonly IReadOnlySet<string> RelatedResources = new HashSet<string>(StringComparer.Ordinal)
    {
        "secrets", "configmaps", "persistentvolumeclaims", "serviceaccounts",
    };

    /// <summary>Looks pods up through the watch caches' index from now on (they start after the authorizer is built).</summary>
    internal void UsePodIndex(WatchCaches caches) => _caches = caches;

    public async Task<bool> HasRelationshipAsync(string node, string resource, string ns, string name, CancellationToken ct)
    {
        if (node.Length == 0 || !RelatedResources.Contains(resource))
        {
            return false;
        }
        var prefix = ObjectStore.Prefix(KnownResources.Pods, ns);
        var cache = _caches is null ? null : await _caches.ForAsync(KnownResources.Pods, ct);
        if (cache?.KeysWith(NodeNameField, node, prefix) is { } keys)
        {
            foreach (var key in keys)
            {
                if (await objects.GetAsync(KnownResources.Pods, ns, key[prefix.Length..], ct) is { } pod && Relates(pod.Object, node, resource, name))
                {
                    return true;
                }
            }
        }
        return await ScanAsync(node, resource, ns, name, ct);
    }

    /// <summary>The exact answer from the store: the namespace's pods a page at a time, decoding only those that name the node.</summary>
    private async Task<bool> ScanAsync(string node, string resource, string ns, string name, CancellationToken ct)
    {
        var prefilter = StoredBytesPrefilter.ForNodeName(node);
        var first = await objects.ListAsync(KnownResources.Pods, ns, ObjectStore.ReadPage, null, ct);
        await foreach (var entry in objects.EntriesFromAsync(KnownResources.Pods, ns, first, ct))
        {
            if (prefilter?.MayMatch(entry.Value.Span) != false && Relates(ObjectStore.Decode(entry).Object, node, resource, name))
            {
                return true;
            }
        }
        return false;
    }

    private static bool Relates(JsonObject pod, string node, string resource, string name) =>
        pod["spec"]?["nodeName"]?.GetValueKind() == System.Text.Json.JsonValueKind.String &&
        pod["spec"]!["nodeName"]!.GetValue<string>() == node &&
        PodReferences.References(pod, resource, name);
}
