using System.Text.Json.Nodes;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.Api.Serialization;
using Axolotl.ApiServer.Admission;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Http;
using Axolotl.ApiServer.Registry;
using Axolotl.ApiServer.Security;

namespace Axolotl.ApiServer.Rest;

/// <summary>pods/binding (the scheduler's write) and pods/eviction (drain's delete).</summary>
public sealed class PodSubresources(RestServices services, DeleteHandler deleter)
{
    private static readonly string[] EvictionKinds = ["Eviction"];

    public async Task BindAsync(RequestScope scope)
    {
        var body = await BodyReader.ReadObjectAsync(scope.Http);
        ObjectMetaRules.CheckTypeMeta(scope.Type, body, "Binding");
        body["apiVersion"] = "v1";
        var target = body["target"] as JsonObject;
        var node = ObjectMetaRules.Str(target ?? [], "name");
        if (string.IsNullOrEmpty(node))
        {
            throw ApiErrors.Make(422, "Invalid", $"Binding \"{scope.Name}\" is invalid: target.name: Required value",
                new StatusDetails { Name = scope.Name, Kind = "Binding", Causes = [new StatusCause { Type = "FieldValueRequired", Field = "target.name", Message = "Required value" }] });
        }
        while (true)
        {
            var current = await services.Objects.GetRequiredAsync(scope.Type, scope.Namespace, scope.RequiredName, scope.Aborted);
            var pod = (JsonObject)current.Object.DeepClone();
            if (ObjectMetaRules.IsDeleting(pod))
            {
                throw ApiErrors.Conflict(KnownResources.Pods, scope.RequiredName, "pod is being deleted, cannot be assigned to a host");
            }
            var spec = pod["spec"] as JsonObject ?? [];
            if (ObjectMetaRules.Str(spec, "nodeName") is { Length: > 0 } assigned)
            {
                throw ApiErrors.Make(409, "Conflict",
                    $"Operation cannot be fulfilled on pods/binding \"{scope.Name}\": pod {scope.Name} is already assigned to node \"{assigned}\"");
            }
            spec["nodeName"] = node;
            pod["spec"] = spec;
            SetScheduledCondition(pod, services.Clock.GetUtcNow());
            try
            {
                await services.Objects.UpdateAsync(scope.Type, pod, current.Revision, scope.Aborted);
                break;
            }
            catch (ApiException e) when (e.Code == 409)
            {
                // The pod changed (status, labels); bind again on fresh state.
            }
        }
        await ResponseWriter.WriteAsync(scope.Http, 201, KubeJson.ToNode(ResponseWriter.Success(201)));
    }

    public async Task EvictAsync(RequestScope scope)
    {
        var body = await BodyReader.ReadObjectAsync(scope.Http);
        var kind = ObjectMetaRules.Str(body, "kind");
        if (kind is not null && !EvictionKinds.Contains(kind))
        {
            throw ApiErrors.BadRequest($"the kind in the data ({kind}) does not match the expected kind (Eviction)");
        }
        // Every deleteOptions field counts (propagation, both preconditions, dryRun), as upstream's eviction passes them on.
        var delete = ResolvedDeleteOptions.Resolve(body["deleteOptions"] as JsonObject, scope);
        var current = await services.Objects.GetRequiredAsync(scope.Type, scope.Namespace, scope.RequiredName, scope.Aborted);
        // An eviction is a create of pods/eviction to admission, as upstream's; the pod is what it judges.
        await services.Admission.ValidateAsync(
            new AdmissionAttributes(AdmissionOperation.Create, scope.Type, scope.Namespace, "eviction", RequestPrincipal.Get(scope.Http))
            {
                Name = scope.RequiredName,
                Object = body,
                OldObject = current.Object,
                DryRun = delete.DryRun,
                Warnings = scope.Warnings,
            },
            scope.Aborted);
        var pod = KubeJson.FromNode<Api.Core.Pod>(current.Object) ?? throw ApiErrors.NotFound(scope.Type, scope.RequiredName);
        await services.DisruptionBudgets.EvictAsync(scope.Namespace ?? "default", pod,
            () => deleter.DeleteObjectAsync(scope.Type, scope.Namespace, scope.RequiredName, delete, scope.Aborted), scope.Aborted);
        await ResponseWriter.WriteAsync(scope.Http, 201, KubeJson.ToNode(ResponseWriter.Success(201)));
    }

    private static void SetScheduledCondition(JsonObject pod, DateTimeOffset now)
    {
        var status = pod["status"] as JsonObject ?? [];
        var conditions = status["conditions"] as JsonArray ?? [];
        var existing = conditions.OfType<JsonObject>().FirstOrDefault(c => ObjectMetaRules.Str(c, "type") == "PodScheduled");
        if (existing is not null)
        {
            conditions.Remove(existing);
        }
        conditions.Add(new JsonObject
        {
            ["type"] = "PodScheduled",
            ["status"] = "True",
            ["lastProbeTime"] = null,
            ["lastTransitionTime"] = KubeTimeConverter.Format(now),
        });
        status["conditions"] = conditions;
        pod["status"] = status;
    }
}
