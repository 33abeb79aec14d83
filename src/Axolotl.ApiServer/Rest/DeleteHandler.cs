using System.Globalization;
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

/// <summary>
/// DELETE. An object goes at once unless something must happen first: finalizers to run, dependents
/// to delete (Foreground) or orphan (Orphan), a scheduled pod to stop gracefully, a namespace to empty.
/// Then it gets deletionTimestamp and the finalizer that names the pending work, and whoever finishes
/// that work removes the finalizer; the last removal deletes it (see UpdateHandler.ReadyToRemove).
/// </summary>
public sealed class DeleteHandler(RestServices services)
{
    private const string ForegroundFinalizer = "foregroundDeletion";
    private const string OrphanFinalizer = "orphan";

    public async Task DeleteAsync(RequestScope scope)
    {
        var options = await ResolvedDeleteOptions.ReadAsync(scope);
        // Admission judges the object as it is now; what it looks at (a pod's node) never changes once set,
        // so judging before the delete loop is exact.
        var current = await services.Objects.GetRequiredAsync(scope.Type, scope.Namespace, scope.RequiredName, scope.Aborted);
        await services.Admission.ValidateAsync(
            new AdmissionAttributes(AdmissionOperation.Delete, scope.Type, scope.Namespace, scope.Subresource, RequestPrincipal.Get(scope.Http))
            {
                Name = scope.RequiredName,
                OldObject = current.Object,
                DryRun = options.DryRun,
                Warnings = scope.Warnings,
            },
            scope.Aborted);
        var result = await DeleteObjectAsync(scope.Type, scope.Namespace, scope.RequiredName, options, scope.Aborted);
        await ResponseWriter.WriteAsync(scope.Http, 200, result);
    }

    /// <summary>DELETE on a collection: upstream's deletecollection, with the same selectors as list.</summary>
    public async Task DeleteCollectionAsync(RequestScope scope)
    {
        var options = await ResolvedDeleteOptions.ReadAsync(scope);
        var labels = ReadHandler.ParseLabelSelector(scope.Query("labelSelector"));
        var fields = FieldLabels.Parse(scope.Type, scope.Query("fieldSelector"));
        var list = await services.Objects.ListAsync(scope.Type, scope.Namespace, 0, null, scope.Aborted);
        var deleted = new JsonArray();
        foreach (var entry in list.Items)
        {
            var obj = ObjectStore.Decode(entry).Object;
            if (!ReadHandler.Matches(obj, labels, fields))
            {
                continue;
            }
            var meta = ObjectMetaRules.Meta(obj);
            try
            {
                deleted.Add(await DeleteObjectAsync(scope.Type, ObjectMetaRules.Str(meta, "namespace"), ObjectMetaRules.Str(meta, "name")!, options, scope.Aborted));
            }
            catch (ApiException e) when (e.Code == 404)
            {
                // Gone in the meantime.
            }
        }
        var response = new JsonObject
        {
            ["kind"] = scope.Type.ListKind,
            ["apiVersion"] = scope.Type.ApiVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = list.Revision.ToString(CultureInfo.InvariantCulture) },
            ["items"] = deleted,
        };
        await ResponseWriter.WriteAsync(scope.Http, 200, response);
    }

    /// <summary>Upstream's NamespaceLifecycle keeps these for good; the namespace controller has nothing to finalize them for.</summary>
    private static readonly HashSet<string> ImmortalNamespaces = ["default", "kube-system", "kube-public"];

    public async Task<JsonObject> DeleteObjectAsync(ResourceType type, string? ns, string name, ResolvedDeleteOptions options, CancellationToken ct)
    {
        if (type == KnownResources.Namespaces && ImmortalNamespaces.Contains(name))
        {
            throw ApiErrors.Forbidden(type, name, $"namespaces \"{name}\" is forbidden: this namespace may not be deleted");
        }
        if (type == KnownResources.PriorityClasses && Api.Scheduling.SystemPriorityClasses.IsSystem(name))
        {
            // Upstream's PriorityClass storage refuses it; pods resolve their priority through these classes.
            throw ApiErrors.Forbidden(type, name, $"{type.QualifiedResource} \"{name}\" is forbidden: this is a system priority class and cannot be deleted");
        }
        while (true)
        {
            var current = await services.Objects.GetRequiredAsync(type, ns, name, ct);
            CheckPreconditions(type, name, ObjectMetaRules.Meta(current.Object), options, current.Revision);
            var updated = (JsonObject)current.Object.DeepClone();
            var decision = Decide(type, updated, options);
            if (options.DryRun || decision == Outcome.Unchanged)
            {
                return await services.Views.ToViewAsync(type, decision == Outcome.Unchanged ? current.Object : updated, ct);
            }
            if (ObjectViews.AsksWebhook(type))
            {
                // Upstream reads the object at the request's version before deleting it: a conversion webhook that fails stops the delete.
                await services.Views.ToViewAsync(type, current.Object, ct);
            }
            try
            {
                var result = decision == Outcome.Remove
                    ? await services.Objects.DeleteAsync(type, ns, name, current.Revision, ct)
                    : await services.Objects.UpdateAsync(type, updated, current.Revision, ct);
                return await services.Views.ToViewAsync(type, result.Object, ct);
            }
            catch (ApiException e) when (e.Code == 409 && options.PreconditionResourceVersion is null)
            {
                // Changed under us; decide again on fresh state.
            }
        }
    }

    private enum Outcome
    {
        /// <summary>Nothing must happen first: remove the object now.</summary>
        Remove,

        /// <summary>Mark it (deletionTimestamp, finalizers, grace period) and let it linger.</summary>
        Mark,

        /// <summary>Already marked as this delete would mark it.</summary>
        Unchanged,
    }

    private static void CheckPreconditions(ResourceType type, string name, JsonObject meta, ResolvedDeleteOptions options, long revision)
    {
        var uid = ObjectMetaRules.Str(meta, "uid");
        if (options.PreconditionUid is { Length: > 0 } wantUid && wantUid != uid)
        {
            throw ApiErrors.Conflict(type, name, $"Precondition failed: UID in precondition: {wantUid}, UID in object meta: {uid}");
        }
        var rv = revision.ToString(CultureInfo.InvariantCulture);
        if (options.PreconditionResourceVersion is { Length: > 0 } wantRv && wantRv != rv)
        {
            throw ApiErrors.Conflict(type, name, $"Precondition failed: ResourceVersion in precondition: {wantRv}, ResourceVersion in object meta: {rv}");
        }
    }

    /// <summary>
    /// Decides what this delete does, marking <paramref name="obj"/> when it must linger: until its
    /// finalizers are gone (Foreground and Orphan add theirs), until a bound pod's grace period is over,
    /// or until a namespace is empty.
    /// </summary>
    private Outcome Decide(ResourceType type, JsonObject obj, ResolvedDeleteOptions options)
    {
        var meta = ObjectMetaRules.Meta(obj);
        var changed = false;
        var finalizers = meta["finalizers"] as JsonArray ?? [];
        var wanted = options.Propagation switch
        {
            PropagationPolicy.Foreground => ForegroundFinalizer,
            PropagationPolicy.Orphan => OrphanFinalizer,
            _ => null,
        };
        if (wanted is not null && !finalizers.Any(f => f?.GetValue<string>() == wanted))
        {
            finalizers.Add(wanted);
            meta["finalizers"] = finalizers;
            changed = true;
        }
        var grace = GracePeriod(type, obj, options);
        if (finalizers.Count == 0 && grace == 0 && type.Kind != "Namespace")
        {
            return Outcome.Remove;
        }

        var now = services.Clock.GetUtcNow();
        if (meta["deletionTimestamp"] is null)
        {
            meta["deletionTimestamp"] = KubeTimeConverter.Format(now.AddSeconds(grace));
            meta["deletionGracePeriodSeconds"] = grace;
            if (type.Kind == "Namespace")
            {
                var status = obj["status"] as JsonObject ?? [];
                status["phase"] = "Terminating";
                obj["status"] = status;
            }
            changed = true;
        }
        else if (meta["deletionGracePeriodSeconds"] is JsonValue old && old.TryGetValue(out long oldGrace) && grace < oldGrace)
        {
            // A second delete may shorten the grace period, never lengthen it.
            meta["deletionGracePeriodSeconds"] = grace;
            meta["deletionTimestamp"] = KubeTimeConverter.Format(now.AddSeconds(grace));
            changed = true;
        }
        return changed ? Outcome.Mark : Outcome.Unchanged;
    }

    /// <summary>Pods bound to a node stop gracefully (the node agent finishes the delete); nothing else does.</summary>
    private static long GracePeriod(ResourceType type, JsonObject obj, ResolvedDeleteOptions options)
    {
        if (type.Kind != "Pod")
        {
            return 0;
        }
        var spec = obj["spec"] as JsonObject;
        var node = spec?["nodeName"] is JsonValue n && n.TryGetValue(out string? nodeName) ? nodeName : null;
        var phase = (obj["status"] as JsonObject)?["phase"] is JsonValue p && p.TryGetValue(out string? ph) ? ph : null;
        if (string.IsNullOrEmpty(node) || phase is "Succeeded" or "Failed")
        {
            return 0;
        }
        var specGrace = spec?["terminationGracePeriodSeconds"] is JsonValue g && g.TryGetValue(out long sg) ? sg : 30;
        return options.GracePeriodSeconds ?? specGrace;
    }
}
