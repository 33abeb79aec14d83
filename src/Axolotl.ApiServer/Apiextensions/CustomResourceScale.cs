using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Api.Apiextensions.Schema;
using Axolotl.ApiServer.Errors;

namespace Axolotl.ApiServer.Apiextensions;

/// <summary>
/// The autoscaling/v1 Scale of a custom resource, read and written at the paths its CRD names
/// (upstream's scaleFromCustomResource): spec.replicas from specReplicasPath (0 when absent),
/// status.replicas from statusReplicasPath (0 when absent), status.selector from labelSelectorPath
/// ("" when absent or unset). A value of the wrong type is the server's error, as upstream answers it.
/// </summary>
public static class CustomResourceScale
{
    public static JsonObject ToScale(JsonObject obj, ScaleSubresource paths, JsonObject scaleMetadata)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(paths);
        var status = new JsonObject { ["replicas"] = Int(obj, paths.StatusReplicasPath) };
        if (paths.LabelSelectorPath is { } selectorPath && String(obj, selectorPath) is { Length: > 0 } selector)
        {
            status["selector"] = selector;
        }
        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = scaleMetadata,
            ["spec"] = new JsonObject { ["replicas"] = Int(obj, paths.SpecReplicasPath) },
            ["status"] = status,
        };
    }

    /// <summary>Writes <paramref name="replicas"/> at specReplicasPath, creating the objects on the way.</summary>
    public static void SetReplicas(JsonObject obj, ScaleSubresource paths, long replicas)
    {
        ArgumentNullException.ThrowIfNull(paths);
        SimpleJsonPath.Set(obj, Fields(paths.SpecReplicasPath), JsonValue.Create(replicas));
    }

    private static long Int(JsonObject obj, string path)
    {
        var value = SimpleJsonPath.Get(obj, Fields(path));
        if (value is null)
        {
            return 0;
        }
        if (value is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out long number))
        {
            return number;
        }
        throw ApiErrors.Make(500, "InternalError", $"Internal error occurred: {path} accessor error: {value.ToJsonString()} is of the type {TypeName(value)}, expected int64");
    }

    private static string? String(JsonObject obj, string path)
    {
        var value = SimpleJsonPath.Get(obj, Fields(path));
        return value switch
        {
            null => null,
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            _ => throw ApiErrors.Make(500, "InternalError", $"Internal error occurred: {path} accessor error: {value.ToJsonString()} is of the type {TypeName(value)}, expected string"),
        };
    }

    // The CRD's validation admitted only paths of the form .a.b.c.
    private static IReadOnlyList<string> Fields(string path) =>
        SimpleJsonPath.Parse(path) ?? throw new InvalidOperationException($"scale path {path} passed CRD validation but is not a simple JSON path");

    private static string TypeName(JsonNode value) => value switch
    {
        JsonObject => "map[string]interface {}",
        JsonArray => "[]interface {}",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => "float64",
            JsonValueKind.True or JsonValueKind.False => "bool",
            _ => "<nil>",
        },
        _ => "<nil>",
    };
}
