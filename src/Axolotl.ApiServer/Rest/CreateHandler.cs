using System.Text.Json.Nodes;
using Axolotl.Api.Core;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Admission;
using Axolotl.ApiServer.Admission.LimitRange;
using Axolotl.ApiServer.Admission.PodSecurity;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.FieldManagement;
using Axolotl.ApiServer.Http;
using Axolotl.ApiServer.Security;

namespace Axolotl.ApiServer.Rest;

/// <summary>POST to a collection: type checks, server-owned metadata, admission, then the store.</summary>
public sealed class CreateHandler(RestServices services, NamespaceGuard namespaces)
{
    public async Task CreateAsync(RequestScope scope)
    {
        var body = await BodyReader.ReadObjectAsync(scope.Http);
        var write = new FieldWrite(FieldManagerName.Resolve(scope, "CreateOptions", apply: false), Applied: false, scope.Subresource);
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
        var mode = scope.FieldValidation;
        var dryRun = scope.DryRun;
        ObjectMetaRules.PrepareForCreate(type, body, services.Clock.GetUtcNow());
        CertificateRequests.PrepareForCreate(scope, body);
        var limitRanges = await services.LimitRanges.ForCreateAsync(type, scope.Namespace, scope.Aborted);
        var managedFields = meta["managedFields"]?.DeepClone();
        // Mutating admission in upstream's order: LimitRanger, then ServiceAccount.
        var serviceAccount = services.ServiceAccounts is { } accounts ? await accounts.PrepareAsync(type, scope.Namespace, body, scope.Aborted) : null;
        Action<Api.Meta.KubeObject>? limits = limitRanges.Count == 0 ? null : typed => LimitRanger.ApplyDefaults((Pod)typed, limitRanges);
        var storage = await services.Storage.PrepareCreateAsync(type, scope.Aborted);
        var admitted = services.Admission.Admit(type, body, null, mode, scope.Warnings, limits + serviceAccount + storage);
        if (write.Applied && managedFields is not null)
        {
            ObjectMetaRules.Meta(admitted)["managedFields"] = managedFields;
        }
        else
        {
            services.Fields.TrackUpdate(type, write, live: null, admitted, managedFields);
        }
        var name = ObjectMetaRules.Str(ObjectMetaRules.Meta(admitted), "name") ?? throw ApiErrors.BadRequest("name or generateName is required");
        NodeRestriction.CheckCreate(RequestPrincipal.Get(scope.Http), type, scope.Subresource, admitted);
        await CertificateRequestRestriction.CheckCreateAsync(RequestPrincipal.Get(scope.Http), type, admitted,
            async (node, ct) => await services.Objects.GetAsync(KnownResources.Nodes, null, node, ct) is not null, scope.Aborted);
        if (services.RbacEscalation is { } escalation)
        {
            await escalation.CheckAsync(RequestPrincipal.Get(scope.Http), type, admitted, null, scope.Aborted);
        }
        await namespaces.CheckCreateAsync(type, scope.Namespace, name, scope.Aborted);
        await services.NodeCidrs.CheckAsync(type, scope.Subresource, admitted, null, scope.Aborted);
        LimitRanger.Validate(type, admitted, limitRanges);
        await services.Admission.ValidateAsync(
            new PodSecurityRequest(type, scope.Namespace, name, scope.Subresource, RequestPrincipal.Get(scope.Http)?.User, admitted, null), scope.Warnings, scope.Aborted);
        if (type == KnownResources.Services)
        {
            await services.Services.AllocateAsync(admitted, null, scope.Aborted, reserve: !dryRun);
        }
        WarningHeaders.Add(scope);
        if (dryRun)
        {
            if (await services.Objects.GetAsync(type, scope.Namespace, name, scope.Aborted) is not null)
            {
                throw ApiErrors.AlreadyExists(type, name);
            }
            await services.Quota.AdmitAsync(type, scope.Namespace, admitted, null, write: null, scope.Aborted);
            return admitted;
        }
        var stored = await services.Quota.AdmitAsync(type, scope.Namespace, admitted, null,
            () => services.Objects.CreateAsync(type, KindViews.ToStorage(type, admitted), scope.Aborted), scope.Aborted);
        return KindViews.ToView(type, stored!.Object);
    }
}
