using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.Api.Selectors;
using Axolotl.ApiServer.Errors;

namespace Axolotl.ApiServer.Rest;

/// <summary>Which field selectors each kind supports (upstream's field label conversions) and how to read them.</summary>
public static class FieldLabels
{
    private static readonly string[] Common = ["metadata.name", "metadata.namespace"];

    private static readonly Dictionary<string, string[]> ByKind = new()
    {
        ["Pod"] = ["spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork",
                   "status.phase", "status.podIP", "status.nominatedNodeName"],
        ["Event"] = ["involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
                     "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
                     "reason", "reportingComponent", "source", "type"],
        ["Node"] = ["spec.unschedulable"],
        ["Namespace"] = ["status.phase"],
        ["Secret"] = ["type"],
        ["ReplicaSet"] = ["status.replicas"],
        ["ReplicationController"] = ["status.replicas"],
        ["Service"] = ["spec.clusterIP", "spec.type"],
    };

    /// <summary>The kind's own field labels (metadata.name and metadata.namespace are everyone's).</summary>
    public static IReadOnlyList<string> SupportedBy(ResourceType type) => ByKind.GetValueOrDefault(type.Kind, []);

    public static FieldSelector Parse(ResourceType type, string? text)
    {
        try
        {
            var selector = FieldSelector.Parse(text ?? "");
            var supported = ByKind.GetValueOrDefault(type.Kind, []);
            var unsupported = selector.FindUnsupported(f => Common.Contains(f) || supported.Contains(f));
            return unsupported is null ? selector : throw ApiErrors.BadRequest($"field label not supported: {unsupported}");
        }
        catch (FormatException e)
        {
            throw ApiErrors.BadRequest(e.Message);
        }
    }

    /// <summary>The field's value as upstream renders it for matching: missing is "", booleans are "true"/"false".</summary>
    public static string? Value(JsonObject obj, string field)
    {
        JsonNode? node = obj;
        foreach (var part in field.Split('.'))
        {
            node = (node as JsonObject)?[part];
            if (node is null)
            {
                return field == "spec.unschedulable" || field == "spec.hostNetwork" ? "false" : "";
            }
        }
        return node switch
        {
            JsonValue v when v.TryGetValue(out bool b) => b ? "true" : "false",
            JsonValue v => v.ToString(),
            _ => node.ToJsonString(),
        };
    }
}
