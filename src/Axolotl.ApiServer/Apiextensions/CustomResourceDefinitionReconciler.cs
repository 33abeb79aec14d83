using System.Text.Json.Nodes;
using Axolotl.Api.Apiextensions;
using Axolotl.Api.Apiextensions.Definitions;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Registry;

namespace Axolotl.ApiServer.Apiextensions;

/// <summary>
/// Brings one CRD to its level, as upstream's naming, establishing and finalizing controllers do together:
/// accepted names and NamesAccepted, Established and storedVersions in the status; its resources in the
/// catalog while it is Established; and, once it is being deleted, every object of it deleted before the
/// cleanup finalizer comes off and the CRD goes.
/// </summary>
public sealed class CustomResourceDefinitionReconciler(ObjectStore objects, ResourceCatalog catalog, TimeProvider clock)
{
    private static ResourceType Definitions => KnownResources.CustomResourceDefinitions;

    /// <summary>Returns true when the CRD needs another look later (objects still finalizing, a lost write race).</summary>
    public async Task<bool> ReconcileAsync(string name, Func<IEnumerable<JsonObject>> others, CancellationToken ct)
    {
        var stored = await objects.GetAsync(Definitions, null, name, ct);
        if (stored is null)
        {
            catalog.SetCustom(name, []);
            return false;
        }
        var crd = stored.Object;
        if (ObjectMetaRules.IsDeleting(crd))
        {
            // Still served while its objects go (so their finalizers can be removed), but creates are refused.
            catalog.SetCustom(name, CustomResourceDefinitionConditions.IsTrue(crd, CustomResourceDefinitionConditions.Established)
                ? [.. CustomResourceTypes.From(crd).Select(t => t with { Custom = t.Custom! with { Terminating = true } })]
                : []);
            var again = await FinalizeAsync(crd, stored.Revision, ct);
            if (!again && await objects.GetAsync(Definitions, null, name, ct) is null)
            {
                catalog.SetCustom(name, []);
            }
            return again;
        }
        var status = (crd["status"] as JsonObject)?.DeepClone() as JsonObject ?? [];
        var decision = CustomResourceDefinitionNaming.Decide(crd, others().Where(o => Name(o) != name), catalog.All.Where(r => !r.IsCustom).ToList());
        var now = clock.GetUtcNow();
        status["acceptedNames"] = decision.AcceptedNames;
        CustomResourceDefinitionConditions.Set(status, CustomResourceDefinitionConditions.NamesAccepted, decision.Accepted, decision.Reason, decision.Message, now);
        var wasEstablished = CustomResourceDefinitionConditions.IsTrue(crd, CustomResourceDefinitionConditions.Established);
        var established = decision.Accepted || (status["acceptedNames"] as JsonObject)?["plural"] is not null && wasEstablished;
        // Upstream's establishing controller: a CRD not yet served is not served while its conversion webhook's caBundle
        // could not make a TLS configuration (one already served keeps serving; validation ratchets its caBundle).
        var invalidCaBundle = established && !wasEstablished && CustomResourceDefinitionValidation.ConversionCaBundleProblem(crd) is not null;
        if (invalidCaBundle)
        {
            established = false;
            CustomResourceDefinitionConditions.Set(status, CustomResourceDefinitionConditions.Established, false, "InvalidCABundle", "The conversion webhook CABundle is invalid", now);
        }
        else if (established)
        {
            CustomResourceDefinitionConditions.Set(status, CustomResourceDefinitionConditions.Established, true, "InitialNamesAccepted", "the initial names have been accepted", now);
        }
        else
        {
            CustomResourceDefinitionConditions.Set(status, CustomResourceDefinitionConditions.Established, false, "NotAccepted", "not all names are accepted", now);
        }
        AddStoredVersion(crd, status);
        var updated = (JsonObject)crd.DeepClone();
        updated["status"] = status;
        if (established)
        {
            // Serve before announcing: a client that sees Established must find the resource (upstream
            // likewise installs the handlers before its establishing controller sets the condition).
            catalog.SetCustom(name, CustomResourceTypes.From(updated));
        }
        if (!JsonNode.DeepEquals(crd["status"], status))
        {
            try
            {
                updated = (await objects.UpdateAsync(Definitions, updated, stored.Revision, ct)).Object;
            }
            catch (ApiException e) when (e.Status.Code is 409 or 404)
            {
                return true;
            }
        }
        catalog.SetCustom(name, established ? CustomResourceTypes.From(updated) : []);
        return false;
    }

    private static void AddStoredVersion(JsonObject crd, JsonObject status)
    {
        var storage = ((crd["spec"] as JsonObject)?["versions"] as JsonArray ?? []).OfType<JsonObject>()
            .FirstOrDefault(v => v["storage"] is JsonValue s && s.TryGetValue(out bool b) && b)?["name"]?.ToString();
        var stored = status["storedVersions"] as JsonArray ?? [];
        if (storage is not null && !stored.Any(v => v?.ToString() == storage))
        {
            stored.Add(storage);
        }
        status["storedVersions"] = stored;
    }

    /// <summary>Deletes the CRD's objects (those with finalizers are marked and waited for), then lets the CRD go.</summary>
    private async Task<bool> FinalizeAsync(JsonObject crd, long revision, CancellationToken ct)
    {
        var meta = ObjectMetaRules.Meta(crd);
        var finalizers = meta["finalizers"] as JsonArray ?? [];
        if (!finalizers.Any(f => f?.ToString() == CustomResourceDefinition.CleanupFinalizer))
        {
            return false; // another finalizer holds it; the generic delete path removes it once all are gone
        }
        var status = (crd["status"] as JsonObject)?.DeepClone() as JsonObject ?? [];
        var now = clock.GetUtcNow();
        if (!CustomResourceDefinitionConditions.IsTrue(crd, CustomResourceDefinitionConditions.Terminating))
        {
            CustomResourceDefinitionConditions.Set(status, CustomResourceDefinitionConditions.Terminating, true, "InstanceDeletionInProgress", "CustomResource deletion is in progress", now);
            var marked = (JsonObject)crd.DeepClone();
            marked["status"] = status;
            try
            {
                var written = await objects.UpdateAsync(Definitions, marked, revision, ct);
                (crd, revision) = (written.Object, written.Revision);
            }
            catch (ApiException e) when (e.Status.Code is 409 or 404)
            {
                return true;
            }
        }
        var remaining = await CustomResourceCleanup.DeleteAllAsync(objects, PrefixOf(crd), now, ct);
        if (remaining > 0)
        {
            return true;
        }
        var done = (JsonObject)crd.DeepClone();
        var doneMeta = ObjectMetaRules.Meta(done);
        var left = new JsonArray([.. finalizers.Where(f => f?.ToString() != CustomResourceDefinition.CleanupFinalizer).Select(f => f?.DeepClone())]);
        try
        {
            if (left.Count == 0)
            {
                await objects.DeleteAsync(Definitions, null, Name(crd), revision, ct);
            }
            else
            {
                doneMeta["finalizers"] = left;
                await objects.UpdateAsync(Definitions, done, revision, ct);
            }
        }
        catch (ApiException e) when (e.Status.Code is 409 or 404)
        {
            return e.Status.Code == 409;
        }
        return false;
    }

    private static string PrefixOf(JsonObject crd)
    {
        var group = (crd["spec"] as JsonObject)?["group"]?.ToString() ?? "";
        var names = (crd["status"] as JsonObject)?["acceptedNames"] as JsonObject is { } accepted && accepted["plural"] is not null
            ? accepted
            : (crd["spec"] as JsonObject)?["names"] as JsonObject;
        return $"/{group}/{names?["plural"]}/";
    }

    private static string Name(JsonObject crd) => ObjectMetaRules.Meta(crd)["name"]?.ToString() ?? "";
}
