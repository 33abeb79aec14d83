using System.Text.Json.Nodes;
using Axolotl.Api.Apiextensions.Schema;
using Axolotl.Api.Apiextensions.Structural;
using Axolotl.Api.Meta;
using Axolotl.ApiServer.Errors;

namespace Axolotl.ApiServer.Apiextensions;

/// <summary>
/// The autoscaling/v1 Scale of a custom resource, read and written at the paths its CRD names
/// (upstream's scaleFromCustomResource): spec.replicas from specReplicasPath, status.replicas from statusReplicasPath
/// (0 when absent), status.selector from labelSelectorPath ("" when absent or unset). A value of the wrong type is
/// the accessor's error, answered as upstream answers an error that is not a Status (500, no reason); a GET of an
/// object with no value at specReplicasPath is upstream's internal error, and an update that leaves it unset its 400.
/// Negative replicas are refused by the object's own validation (<see cref="ScaleValidation"/>).
/// </summary>
public static class CustomResourceScale
{
    /// <summary>The Scale of <paramref name="obj"/> and whether specReplicasPath holds a value.</summary>
    public static (JsonObject Scale, bool ReplicasFound) ToScale(JsonObject obj, ScaleSubresource paths, JsonObject scaleMetadata)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(paths);
        var spec = Read(NestedField.Int64(obj, ScaleValidation.Fields(paths.SpecReplicasPath)));
        var statusReplicas = Read(NestedField.Int64(obj, ScaleValidation.Fields(paths.StatusReplicasPath)));
        var status = new JsonObject { ["replicas"] = (long)(int)statusReplicas.Value };
        if (paths.LabelSelectorPath is { Length: > 0 } selectorPath
            && Read(NestedField.String(obj, ScaleValidation.Fields(selectorPath))) is { Value.Length: > 0 } selector)
        {
            status["selector"] = selector.Value;
        }
        var scale = new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = scaleMetadata,
            // Go's int32 conversion, as upstream; the object's validation keeps stored values in range.
            ["spec"] = new JsonObject { ["replicas"] = (long)(int)spec.Value },
            ["status"] = status,
        };
        return (scale, spec.Found);
    }

    /// <summary>GET /scale: upstream's ScaleREST.Get refuses an object with no value at specReplicasPath.</summary>
    public static JsonObject Get(JsonObject obj, ScaleSubresource paths, JsonObject scaleMetadata)
    {
        var (scale, found) = ToScale(obj, paths, scaleMetadata);
        return found ? scale
            : throw ApiErrors.Make(500, "InternalError", $"Internal error occurred: the spec replicas field {GoValue.Quote(paths.SpecReplicasPath)} does not exist");
    }

    /// <summary>
    /// The Scale an update starts from: with no value at specReplicasPath its replicas are int32's minimum, which
    /// the update must change (upstream's invalidSpecReplicas signal); <see cref="SetReplicas"/> refuses it otherwise.
    /// </summary>
    public static JsonObject ForUpdate(JsonObject obj, ScaleSubresource paths, JsonObject scaleMetadata)
    {
        var (scale, found) = ToScale(obj, paths, scaleMetadata);
        if (!found)
        {
            scale["spec"]!["replicas"] = (long)int.MinValue;
        }
        return scale;
    }

    /// <summary>Writes <paramref name="replicas"/> at specReplicasPath, creating the objects on the way.</summary>
    public static void SetReplicas(JsonObject obj, ScaleSubresource paths, long replicas)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (replicas == int.MinValue)
        {
            throw ApiErrors.BadRequest($"the spec replicas field {GoValue.Quote(paths.SpecReplicasPath)} cannot be empty");
        }
        SimpleJsonPath.Set(obj, ScaleValidation.Fields(paths.SpecReplicasPath), JsonValue.Create(replicas));
    }

    // An accessor error is a plain Go error upstream: the API answers 500 with its text and no reason.
    private static NestedField.Result<T> Read<T>(NestedField.Result<T> result) =>
        result.Error is { } error ? throw new ApiException(new Status { Outcome = "Failure", Code = 500, Message = error }) : result;
}
