using System.Text.Json.Nodes;
using Axolotl.Api.Core;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Admission;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.FieldManagement;
using Axolotl.ApiServer.Http;
using Axolotl.ApiServer.Registry;
using Axolotl.ApiServer.Security;

namespace Axolotl.ApiServer.Rest;

/// <summary>POST to a collection: type checks, server-owned metadata, defaults, managedFields, admission, then the store.</summary>
public sealed class CreateHandler(RestServices services)
{
    public async Task CreateAsync(RequestScope scope)
    {
        var body = await BodyReader.ReadObjectAsync(scope.Http);
        var write = new FieldWrite(FieldManagerName.Resolve(scope.Http.Request, "CreateOptions", apply: false), Applied: false, scope.Subresource);
        var created = await CreateObjectAsync(scope, body, write);
        await ResponseWriter.WriteAsync(scope.Http, 201, created);
    }

    /// <summary>
    /// Creates <paramref name="body"/> in the scope's collection; also used by apply-patch upserts, whose body
    /// already carries the managedFields the apply computed (<see cref="FieldWrite.Applied"/>).
    /// </summary>
    public async Task<JsonObject> CreateObjectAsync(RequestScope scope, JsonObject body, FieldWrite write)
    {
        var type = scope.Type;
        ObjectMetaRules.CheckTypeMeta(type, body, type.Kind);
        var meta = ObjectMetaRules.Meta(body);
        ObjectMetaRules.CheckNamespace(type, meta, scope.Namespace);
        var dryRun = scope.DryRun;
        ObjectMetaRules.PrepareForCreate(type, body, services.Clock.GetUtcNow());
        var managedFields = meta["managedFields"]?.DeepClone();
        var attributes = new AdmissionAttributes(AdmissionOperation.Create, type, scope.Namespace, scope.Subresource, RequestPrincipal.Get(scope.Http))
        {
            Object = body,
            DryRun = dryRun,
            FieldValidation = scope.FieldValidation,
            Warnings = scope.Warnings,
        };
        // managedFields are recorded on the defaulted object, before mutating admission, as upstream's are: what a
        // plugin adds (a service account token volume, default tolerations, priority) belongs to no manager.
        var defaulted = services.Admission.Default(attributes);
        defaulted.SetManagedFields(write.Applied && managedFields is not null
            ? managedFields
            : services.Fields.TrackUpdate(type, write, live: null, defaulted.Json, managedFields));
        var admitted = await services.Admission.MutateAsync(attributes, defaulted, scope.Aborted);
        // The registry's own fields come after tracking and mutating admission, as upstream's PrepareForCreate does:
        // a CSR's requester identity belongs to no manager, and no webhook can set it.
        CertificateRequests.PrepareForCreate(scope, admitted);
        var name = ObjectMetaRules.Str(ObjectMetaRules.Meta(admitted), "name") ?? throw ApiErrors.BadRequest("name or generateName is required");
        attributes.Name = name;
        await services.Admission.ValidateAsync(attributes, scope.Aborted);
        if (type == KnownResources.Services)
        {
            await services.Services.AllocateAsync(admitted, null, scope.Aborted, reserve: !dryRun);
        }
        WarningHeaders.Add(scope);
        // Converted before the write is admitted: a conversion webhook that fails leaves nothing charged to quota.
        // A dry run converts too, as upstream's dry-run storage encodes the object at the storage version: a
        // conversion that would fail the create fails the dry run, and the answer is what a read would return.
        var toStore = await services.Views.ToStorageAsync(type, admitted, scope.Aborted);
        if (dryRun)
        {
            if (await services.Objects.GetAsync(type, scope.Namespace, name, scope.Aborted) is not null)
            {
                throw ApiErrors.AlreadyExists(type, name);
            }
            await services.Admission.WriteAsync(attributes, write: null, scope.Aborted);
            return type.Custom is null ? admitted : await services.Views.ToViewAsync(type, toStore, scope.Aborted);
        }
        var stored = await services.Admission.WriteAsync(attributes,
            () => services.Objects.CreateAsync(type, toStore, scope.Aborted), scope.Aborted);
        return await services.Views.ToViewAsync(type, stored!.Object, scope.Aborted);
    }
}
