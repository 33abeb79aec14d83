using System.Globalization;
using System.Text.Json.Nodes;
using Axolotl.Api.Patch;
using Axolotl.Api.Selectors;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Apiextensions;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.FieldManagement;
using Axolotl.ApiServer.Http;
using Axolotl.ApiServer.Registry;

namespace Axolotl.ApiServer.Rest;

/// <summary>
/// The autoscaling/v1 Scale subresource of deployments, replicasets, replication controllers and
/// statefulsets, and of custom resources whose CRD declares one (at the paths it names).
/// </summary>
public sealed class ScaleHandler(RestServices services, UpdateHandler updater)
{
    public async Task GetAsync(RequestScope scope)
    {
        var stored = await services.Objects.GetRequiredAsync(scope.Type, scope.Namespace, scope.RequiredName, scope.Aborted);
        var view = await services.Views.ToViewAsync(scope.Type, stored.Object, scope.Aborted);
        var scale = scope.Type.Custom?.Scale is { } paths ? CustomResourceScale.Get(view, paths, ScaleMetadata(view)) : ToScale(view);
        await ResponseWriter.WriteAsync(scope.Http, 200, scale);
    }

    public async Task UpdateAsync(RequestScope scope, bool isPatch)
    {
        JsonObject? scaleBody = null;
        JsonNode? patch = null;
        string? patchType = null;
        if (isPatch)
        {
            patchType = MediaTypes.Essence(scope.Http.Request.ContentType);
            patch = PatchApplier.ParsePatch(patchType, await BodyReader.ReadBytesAsync(scope.Http));
        }
        else
        {
            scaleBody = await BodyReader.ReadObjectAsync(scope.Http);
            // A Deployment sent to /scale must not pass for a Scale (a protobuf body names its kind).
            ObjectMetaRules.CheckTypeMeta(scope.Type, scaleBody, "Scale");
        }
        var write = new FieldWrite(FieldManagerName.Resolve(scope.Http.Request, isPatch ? "PatchOptions" : "UpdateOptions", apply: patchType == MediaTypes.ApplyPatch), Applied: false, "scale");
        string? precondition = null;
        var parentScope = new RequestScope(scope.Http, scope.Type, scope.Namespace, scope.Name, null);
        var result = await updater.GuaranteedUpdateAsync(parentScope, current =>
        {
            var scale = scope.Type.Custom?.Scale is { } customPaths ? CustomResourceScale.ForUpdate(current, customPaths, ScaleMetadata(current)) : ToScale(current);
            var desired = scaleBody ?? ApplyScalePatch(patchType!, scale, patch!);
            precondition ??= ObjectMetaRules.Str(ObjectMetaRules.Meta(desired), "resourceVersion");
            if (!string.IsNullOrEmpty(precondition) && precondition != ObjectMetaRules.Str(ObjectMetaRules.Meta(current), "resourceVersion"))
            {
                throw ApiErrors.Modified(scope.Type, scope.RequiredName);
            }
            var replicas = (desired["spec"] as JsonObject)?["replicas"];
            if (replicas is not JsonValue r || !r.TryGetValue(out long count))
            {
                throw ApiErrors.Invalid(scope.Type, scope.RequiredName, [new("FieldValueRequired", "spec.replicas", "Required value")]);
            }
            // A custom resource's replicas are checked by its own validation (upstream's ValidateScaleSpec), not the Scale's.
            if (scope.Type.Custom?.Scale is { } paths)
            {
                CustomResourceScale.SetReplicas(current, paths, count);
                return current;
            }
            if (count < 0)
            {
                throw ApiErrors.Make(422, "Invalid", $"Scale.autoscaling \"{scope.Name}\" is invalid: spec.replicas: Invalid value: {count}: must be greater than or equal to 0");
            }
            var spec = current["spec"] as JsonObject ?? [];
            spec["replicas"] = count;
            current["spec"] = spec;
            return current;
        }, precondition: null, write);
        await ResponseWriter.WriteAsync(scope.Http, 200, ToScale(scope.Type, result));
    }

    private static JsonObject ToScale(ResourceType type, JsonObject obj) =>
        type.Custom?.Scale is { } paths ? CustomResourceScale.ToScale(obj, paths, ScaleMetadata(obj)).Scale : ToScale(obj);

    private static JsonObject ScaleMetadata(JsonObject obj)
    {
        var meta = ObjectMetaRules.Meta(obj);
        var scaleMeta = new JsonObject();
        foreach (var key in (string[])["name", "namespace", "uid", "resourceVersion", "creationTimestamp"])
        {
            if (meta[key] is { } value)
            {
                scaleMeta[key] = value.DeepClone();
            }
        }
        return scaleMeta;
    }

    public static JsonObject ToScale(JsonObject obj)
    {
        var spec = obj["spec"] as JsonObject;
        var status = obj["status"] as JsonObject;
        var scaleMeta = ScaleMetadata(obj);
        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = scaleMeta,
            ["spec"] = new JsonObject { ["replicas"] = (spec?["replicas"] as JsonValue)?.GetValue<long>() ?? 1 },
            ["status"] = new JsonObject
            {
                ["replicas"] = (status?["replicas"] as JsonValue)?.GetValue<long>() ?? 0,
                ["selector"] = SelectorString(spec?["selector"]),
            },
        };
    }

    private static JsonObject ApplyScalePatch(string patchType, JsonObject scale, JsonNode patch) => patchType switch
    {
        MediaTypes.JsonPatch => JsonPatch.Apply(scale, (JsonArray)patch) as JsonObject,
        _ => JsonMergePatch.Apply(scale, patch) as JsonObject,
    } ?? throw ApiErrors.BadRequest("the patch did not produce a Scale object");

    /// <summary>apps/v1 kinds have a LabelSelector; ReplicationControllers a plain label map.</summary>
    private static string SelectorString(JsonNode? selector)
    {
        if (selector is not JsonObject obj)
        {
            return "";
        }
        if (obj.ContainsKey("matchLabels") || obj.ContainsKey("matchExpressions"))
        {
            return ParsedLabelSelector.FromJson(obj).ToString();
        }
        return string.Join(",", obj.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}={p.Value}")));
    }
}
