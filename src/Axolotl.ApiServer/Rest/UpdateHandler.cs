using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Admission;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.FieldManagement;
using Axolotl.ApiServer.Http;
using Axolotl.ApiServer.Registry;
using Axolotl.ApiServer.Security;

namespace Axolotl.ApiServer.Rest;

/// <summary>
/// PUT and PATCH, on an object or its status/finalize subresource. Both run through one
/// read-modify-write loop: without a resourceVersion precondition a lost race is retried on
/// fresh state (as upstream's GuaranteedUpdate does); with one it is a 409.
/// </summary>
public sealed class UpdateHandler(RestServices services, CreateHandler creator)
{
    private const int MaxAttempts = 8;

    public async Task UpdateAsync(RequestScope scope)
    {
        var body = await BodyReader.ReadObjectAsync(scope.Http);
        ObjectMetaRules.CheckTypeMeta(scope.Type, body, scope.Type.Kind);
        var meta = ObjectMetaRules.Meta(body);
        var bodyName = ObjectMetaRules.Str(meta, "name");
        if (!string.IsNullOrEmpty(bodyName) && bodyName != scope.RequiredName)
        {
            throw ApiErrors.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({scope.Name})");
        }
        meta["name"] = scope.Name;
        ObjectMetaRules.CheckNamespace(scope.Type, meta, scope.Namespace);
        var precondition = ObjectMetaRules.Str(meta, "resourceVersion");
        var write = new FieldWrite(FieldManagerName.Resolve(scope.Http.Request, "UpdateOptions", apply: false), Applied: false, scope.Subresource);
        // A PUT replaces the object: its transform never reads the current one, so that is not copied for it.
        var result = await GuaranteedUpdateAsync(scope, _ => body, precondition, write, transformReadsCurrent: false);
        WarningHeaders.Add(scope);
        await ResponseWriter.WriteAsync(scope.Http, 200, result);
    }

    public async Task PatchAsync(RequestScope scope)
    {
        var bytes = await BodyReader.ReadBytesAsync(scope.Http);
        var patchType = MediaTypes.Essence(scope.Http.Request.ContentType);
        var patch = PatchApplier.ParsePatch(patchType, bytes);
        var apply = patchType == MediaTypes.ApplyPatch;
        var write = new FieldWrite(FieldManagerName.Resolve(scope.Http.Request, "PatchOptions", apply), apply, scope.Subresource);
        JsonObject result;
        if (apply)
        {
            var config = (JsonObject)patch;
            var force = ForceParameter.Parse(scope.Http.Request);
            var configName = ObjectMetaRules.Str(ObjectMetaRules.Meta((JsonObject)config.DeepClone()), "name");
            if (!string.IsNullOrEmpty(configName) && configName != scope.RequiredName)
            {
                throw ApiErrors.BadRequest($"the name of the object ({configName}) does not match the name on the URL ({scope.Name})");
            }
            if (await services.Objects.GetAsync(scope.Type, scope.Namespace, scope.RequiredName, scope.Aborted) is null)
            {
                if (scope.Subresource is not null)
                {
                    throw ApiErrors.NotFound(scope.Type, scope.RequiredName);
                }
                // Apply to a missing object creates it, owned by the applier.
                var body = services.Fields.Apply(scope.Type, write, force, live: null, config);
                ObjectMetaRules.Meta(body)["name"] = scope.Name;
                var created = await creator.CreateObjectAsync(scope, body, write);
                await ResponseWriter.WriteAsync(scope.Http, 201, created);
                return;
            }
            result = await GuaranteedUpdateAsync(scope, current => services.Fields.Apply(scope.Type, write, force, current, config), precondition: null, write);
        }
        else
        {
            result = await GuaranteedUpdateAsync(scope, current => PatchApplier.Apply(scope.Type, patchType, current, patch), precondition: null, write);
        }
        WarningHeaders.Add(scope);
        await ResponseWriter.WriteAsync(scope.Http, 200, result);
    }

    /// <summary>
    /// Reads the current object, asks <paramref name="transform"/> for the object the client wants, and
    /// writes it if nothing changed in between. Returns the stored object (or what would be, for dry runs).
    /// <paramref name="transform"/> gets a copy of the current object it may change; with
    /// <paramref name="transformReadsCurrent"/> false it promises not to look at it and gets the object itself.
    /// </summary>
    public async Task<JsonObject> GuaranteedUpdateAsync(RequestScope scope, Func<JsonObject, JsonObject> transform, string? precondition, FieldWrite write,
        bool transformReadsCurrent = true)
    {
        var type = scope.Type;
        var name = scope.RequiredName;
        var dryRun = scope.DryRun;
        for (var attempt = 1; ; attempt++)
        {
            var current = await services.Objects.GetRequiredAsync(type, scope.Namespace, name, scope.Aborted);
            var currentRv = current.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!string.IsNullOrEmpty(precondition) && precondition != currentRv)
            {
                throw ApiErrors.Modified(type, name);
            }
            var currentView = await services.Views.ToViewAsync(type, current.Object, scope.Aborted);
            var proposed = transform(transformReadsCurrent ? (JsonObject)currentView.DeepClone() : currentView);
            var proposedRv = ObjectMetaRules.Str(ObjectMetaRules.Meta(proposed), "resourceVersion");
            if (!string.IsNullOrEmpty(proposedRv) && proposedRv != currentRv)
            {
                throw ApiErrors.Modified(type, name);
            }
            // What the client (or the apply) made of managedFields, before admission sees the object.
            var managedFields = ObjectMetaRules.Meta(proposed)["managedFields"]?.DeepClone();
            var updated = MergeForSubresource(scope, currentView, proposed);
            CertificateRequests.PrepareForUpdate(type, scope.Subresource, currentView, updated);
            ObjectMetaRules.PrepareForUpdate(updated, currentView);
            var attributes = new AdmissionAttributes(AdmissionOperation.Update, type, scope.Namespace, scope.Subresource, RequestPrincipal.Get(scope.Http))
            {
                Name = name,
                Object = updated,
                OldObject = currentView,
                DryRun = dryRun,
                FieldValidation = scope.FieldValidation,
                Warnings = scope.Warnings,
            };
            // An apply computed its managedFields already; any other write is recorded on the defaulted object,
            // before mutating admission (CreateHandler says why).
            var defaulted = services.Admission.Default(attributes);
            defaulted.SetManagedFields(write.Applied
                ? managedFields
                : services.Fields.TrackUpdate(type, write, currentView, defaulted.Json, managedFields));
            var admitted = await services.Admission.MutateAsync(attributes, defaulted, scope.Aborted);
            await services.Admission.ValidateAsync(attributes, scope.Aborted);
            ObjectMetaRules.Meta(admitted)["resourceVersion"] = currentRv;
            if (type == KnownResources.Services && scope.Subresource is null)
            {
                await services.Services.AllocateAsync(admitted, currentView, scope.Aborted, reserve: !dryRun);
            }
            if (dryRun)
            {
                // A custom resource goes through its conversion as a real update does (CreateHandler says why).
                return type.Custom is null ? admitted
                    : await services.Views.ToViewAsync(type, await services.Views.ToStorageAsync(type, admitted, scope.Aborted), scope.Aborted);
            }
            if (JsonNode.DeepEquals(admitted, currentView))
            {
                // Nothing changed: no write, no new resourceVersion, no watch event (kubectl prints "(no change)").
                return currentView;
            }
            try
            {
                if (ReadyToRemove(type, admitted))
                {
                    var removed = await services.Objects.DeleteAsync(type, scope.Namespace, name, current.Revision, scope.Aborted);
                    return await services.Views.ToViewAsync(type, removed.Object, scope.Aborted);
                }
                var toStore = await services.Views.ToStorageAsync(type, admitted, scope.Aborted);
                var stored = await services.Admission.WriteAsync(attributes,
                    () => services.Objects.UpdateAsync(type, toStore, current.Revision, scope.Aborted), scope.Aborted);
                return await services.Views.ToViewAsync(type, stored!.Object, scope.Aborted);
            }
            // A patched object inherits the resourceVersion it was applied to; that is no precondition. One the
            // patch itself set is re-checked against the fresh object on the next attempt (and fails there).
            catch (ApiException e) when (e.Code == 409 && string.IsNullOrEmpty(precondition) && attempt < MaxAttempts)
            {
                // Someone else wrote first; recompute on fresh state.
            }
        }
    }

    /// <summary>
    /// An object being deleted goes once its last finalizer is gone, unless it is still in its grace
    /// period (a pod whose node agent has not finished stopping it); a namespace also waits for spec.finalizers.
    /// </summary>
    public static bool ReadyToRemove(ResourceType type, JsonObject obj)
    {
        if (!ObjectMetaRules.IsDeleting(obj) || ObjectMetaRules.HasFinalizers(obj))
        {
            return false;
        }
        if (ObjectMetaRules.Meta(obj)["deletionGracePeriodSeconds"] is JsonValue grace && grace.TryGetValue(out long seconds) && seconds > 0)
        {
            return false;
        }
        return type.Kind != "Namespace" || (obj["spec"] as JsonObject)?["finalizers"] is not JsonArray { Count: > 0 };
    }

    private static JsonObject MergeForSubresource(RequestScope scope, JsonObject current, JsonObject proposed)
    {
        switch (scope.Subresource)
        {
            case null:
                if (scope.Type.HasSubresource("status"))
                {
                    // The main resource cannot change status; the status subresource owns it.
                    if (current["status"] is { } status)
                    {
                        proposed["status"] = status.DeepClone();
                    }
                    else
                    {
                        proposed.Remove("status");
                    }
                }
                return proposed;
            case "approval":
                // Only the conditions change through approval (upstream's approval strategy); the certificate stays.
                var approved = (JsonObject)current.DeepClone();
                var approvedStatus = approved["status"] as JsonObject ?? [];
                approvedStatus["conditions"] = (proposed["status"] as JsonObject)?["conditions"]?.DeepClone();
                approved["status"] = approvedStatus;
                return approved;
            case "status":
                var withStatus = (JsonObject)current.DeepClone();
                withStatus["status"] = proposed["status"]?.DeepClone();
                return withStatus;
            case "ephemeralcontainers" when scope.Type.Kind == "Pod":
                // Only spec.ephemeralContainers changes here (upstream's dropNonEphemeralContainerUpdates):
                // metadata, the rest of the spec and the status stay as stored.
                var withEphemeral = (JsonObject)current.DeepClone();
                var ephemeralSpec = withEphemeral["spec"] as JsonObject ?? [];
                ephemeralSpec["ephemeralContainers"] = (proposed["spec"] as JsonObject)?["ephemeralContainers"]?.DeepClone();
                withEphemeral["spec"] = ephemeralSpec;
                return withEphemeral;
            case "finalize" when scope.Type.Kind == "Namespace":
                var finalized = (JsonObject)current.DeepClone();
                var spec = finalized["spec"] as JsonObject ?? [];
                spec["finalizers"] = (proposed["spec"] as JsonObject)?["finalizers"]?.DeepClone();
                finalized["spec"] = spec;
                return finalized;
            default:
                throw ApiErrors.NoSuchPath();
        }
    }
}
