using System.Text.Json.Nodes;
using Axolotl.Api.Metrics;
using Axolotl.Api.Scheme;
using Axolotl.Api.Selectors;
using Axolotl.Api.Serialization;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Http;
using Axolotl.ApiServer.Registry;
using Axolotl.ApiServer.Rest;

namespace Axolotl.ApiServer.Metrics;

/// <summary>
/// metrics.k8s.io/v1beta1 nodes and pods, served natively where upstream aggregates metrics-server
/// behind an APIService: get and list (all namespaces or one), label and field selectors matched
/// against the Node's or Pod's own labels, which the answer carries as metrics-server's does.
/// Only objects with a measured window appear; a get of anything else is NotFound.
/// </summary>
public sealed class ResourceMetricsHandler(ObjectStore objects, ResourceMetricsCache cache, TimeProvider clock)
{
    public static bool Serves(ResourceType type) => type.Group == KnownResources.MetricsGroup;

    public async Task HandleAsync(RequestScope scope)
    {
        if (scope.Http.Request.Method is not ("GET" or "HEAD") || scope.Subresource is not null)
        {
            throw ApiErrors.MethodNotAllowed();
        }
        if (scope.Bool("watch"))
        {
            throw ApiErrors.MethodNotAllowed();
        }
        var labels = ReadHandler.ParseLabelSelector(scope.Query("labelSelector"));
        var fields = FieldSelector.TryParse(scope.Query("fieldSelector"), out var parsed) ? parsed : throw ApiErrors.BadRequest($"invalid field selector: {scope.Query("fieldSelector")}");
        var items = scope.Type == KnownResources.NodeMetrics
            ? await NodesAsync(scope.Name, scope.Aborted)
            : await PodsAsync(scope.Namespace, scope.Name, scope.Aborted);
        if (scope.Name is not null)
        {
            var found = items.FirstOrDefault() ?? throw ApiErrors.NotFound(scope.Type, scope.Name);
            await ResponseWriter.WriteAsync(scope.Http, 200, found);
            return;
        }
        var list = new JsonObject
        {
            ["kind"] = scope.Type.ListKind,
            ["apiVersion"] = scope.Type.ApiVersion,
            ["metadata"] = new JsonObject(),
            ["items"] = new JsonArray([.. items.Where(i => ReadHandler.Matches(i, labels, fields))]),
        };
        await ResponseWriter.WriteAsync(scope.Http, 200, list);
    }

    private async Task<List<JsonObject>> NodesAsync(string? name, CancellationToken ct)
    {
        var result = new List<JsonObject>();
        foreach (var node in await SourcesAsync(KnownResources.Nodes, null, name, ct))
        {
            var nodeName = ObjectMetaRules.Str(ObjectMetaRules.Meta(node), "name") ?? "";
            if (cache.Node(nodeName) is { } metrics)
            {
                result.Add(WithSourceMeta(KubeJson.ToNode(metrics), node));
            }
        }
        return result;
    }

    private async Task<List<JsonObject>> PodsAsync(string? ns, string? name, CancellationToken ct)
    {
        var measured = cache.Pods();
        var result = new List<JsonObject>();
        foreach (var pod in await SourcesAsync(KnownResources.Pods, ns, name, ct))
        {
            var uid = ObjectMetaRules.Str(ObjectMetaRules.Meta(pod), "uid") ?? "";
            if (measured.TryGetValue(uid, out var metrics))
            {
                result.Add(WithSourceMeta(KubeJson.ToNode(metrics), pod));
            }
        }
        return result;
    }

    private async Task<List<JsonObject>> SourcesAsync(ResourceType type, string? ns, string? name, CancellationToken ct)
    {
        if (name is not null)
        {
            return (await objects.GetAsync(type, ns, name, ct))?.Object is { } one ? [one] : [];
        }
        var list = await objects.ListAsync(type, ns, 0, null, ct);
        return [.. list.Items.Select(e => ObjectStore.Decode(e).Object)];
    }

    /// <summary>metrics-server's metadata: the object's name, namespace and labels, created "now".</summary>
    private JsonObject WithSourceMeta(JsonObject metrics, JsonObject source)
    {
        var meta = ObjectMetaRules.Meta(source);
        var view = new JsonObject
        {
            ["name"] = meta["name"]?.DeepClone(),
            ["creationTimestamp"] = KubeJson.ToNode(new Api.Meta.ObjectMeta { CreationTimestamp = clock.GetUtcNow() })["creationTimestamp"]?.DeepClone(),
        };
        if (meta["namespace"] is { } ns)
        {
            view["namespace"] = ns.DeepClone();
        }
        if (meta["labels"] is JsonObject labels)
        {
            view["labels"] = labels.DeepClone();
        }
        metrics["metadata"] = view;
        return metrics;
    }
}
