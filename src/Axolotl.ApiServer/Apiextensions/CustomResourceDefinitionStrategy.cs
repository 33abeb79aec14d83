using System.Text.Json.Nodes;
using Axolotl.Api.Apiextensions;
using Axolotl.Api.Apiextensions.Definitions;
using Axolotl.Api.Meta;
using Axolotl.Api.Validation;
using Axolotl.ApiServer.Apiextensions.Rules;

namespace Axolotl.ApiServer.Apiextensions;

/// <summary>
/// The API rules of a CustomResourceDefinition: upstream's defaults (singular, listKind, conversion
/// None, a conversion webhook Service's port 443), the cleanup finalizer on create so that deleting the CRD first deletes its objects, and
/// upstream's validation of the spec.
/// </summary>
public static class CustomResourceDefinitionStrategy
{
    public static void Default(JsonObject crd, bool create)
    {
        ArgumentNullException.ThrowIfNull(crd);
        if (crd["spec"] is not JsonObject spec)
        {
            return;
        }
        if (spec["names"] is JsonObject names && names["kind"]?.ToString() is { Length: > 0 } kind)
        {
            names["singular"] ??= kind.ToLowerInvariant();
            names["listKind"] ??= kind + "List";
        }
        spec["conversion"] ??= new JsonObject { ["strategy"] = "None" };
        // Upstream's SetDefaults_ServiceReference: a conversion webhook's Service is called on 443 unless told otherwise.
        if (((spec["conversion"] as JsonObject)?["webhook"] as JsonObject)?["clientConfig"] is JsonObject { } clientConfig
            && clientConfig["service"] is JsonObject service)
        {
            service["port"] ??= 443;
        }
        if (create)
        {
            var meta = crd["metadata"] as JsonObject ?? [];
            var finalizers = meta["finalizers"] as JsonArray ?? [];
            if (!finalizers.Any(f => f?.ToString() == CustomResourceDefinition.CleanupFinalizer))
            {
                finalizers.Add(CustomResourceDefinition.CleanupFinalizer);
            }
            meta["finalizers"] = finalizers;
        }
    }

    public static IReadOnlyList<FieldError> Validate(KubeObject typed, KubeObject? old, JsonObject crd, JsonObject? oldCrd)
    {
        ArgumentNullException.ThrowIfNull(typed);
        var errors = GenericMetadataValidation.Validate(typed.Metadata, old?.Metadata, namespaced: false);
        errors.AddRange(CustomResourceDefinitionValidation.Validate(crd, oldCrd));
        if (errors.Count == 0)
        {
            // As upstream, the rules are compiled and estimated only once the schema's defaults are sound.
            var defaults = DefaultsValidation.Validate(crd);
            errors.AddRange(defaults.Count > 0 ? defaults : CustomResourceDefinitionRules.Validate(crd, oldCrd));
        }
        return errors;
    }
}
