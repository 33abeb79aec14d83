using System.Text.Json.Nodes;
using Axolotl.Api.Apiextensions;
using Axolotl.Api.Apiextensions.Schema;
using Axolotl.Api.Scheme;
using static Axolotl.Api.Apiextensions.Definitions.CustomResourceDefinitionValidation;

namespace Axolotl.Api.Apiextensions.Definitions;

/// <summary>
/// The resources one CustomResourceDefinition serves: one ResourceType per served version, named by
/// the CRD's accepted names (its spec names once the naming check accepted them), all sharing the
/// storage version's key prefix /&lt;group&gt;/&lt;plural&gt;/ as kube-apiserver's /registry keys do.
/// </summary>
public static class CustomResourceTypes
{
    private static readonly string[] StatusVerbs = ["get", "patch", "update"];

    public static IReadOnlyList<ResourceType> From(JsonObject crd)
    {
        ArgumentNullException.ThrowIfNull(crd);
        var spec = crd["spec"] as JsonObject ?? [];
        var names = (crd["status"] as JsonObject)?["acceptedNames"] as JsonObject is { } accepted && Str(accepted, "plural").Length > 0
            ? accepted
            : spec["names"] as JsonObject ?? [];
        var group = Str(spec, "group");
        var plural = Str(names, "plural");
        var kind = Str(names, "kind");
        var singular = Str(names, "singular");
        var definitionName = Str(crd["metadata"] as JsonObject ?? [], "name");
        var storageVersion = (spec["versions"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(v => Bool(v, "storage")) is { } storage
            ? Str(storage, "name") : "";
        var conversion = CustomResourceConversion.Parse(spec["conversion"] as JsonObject);
        var types = new List<ResourceType>();
        var versions = (spec["versions"] as JsonArray ?? []).OfType<JsonObject>().Where(v => Bool(v, "served"))
            // kube-apiserver lists versions by priority: GA before beta before alpha, newer first.
            .OrderBy(v => VersionPriority.Key(Str(v, "name")));
        foreach (var version in versions)
        {
            var subresources = version["subresources"] as JsonObject;
            var status = subresources?["status"] is JsonObject;
            var scale = subresources?["scale"] as JsonObject;
            var shape = new CustomResourceShape
            {
                DefinitionName = definitionName,
                StorageVersion = storageVersion,
                Conversion = conversion,
                Schema = (version["schema"] as JsonObject)?["openAPIV3Schema"] is JsonObject schema ? JsonSchemaProps.Parse(schema) : JsonSchemaProps.PreserveAll,
                PrinterColumns = [.. (version["additionalPrinterColumns"] as JsonArray ?? []).OfType<JsonObject>().Select(Column)],
                StatusSubresource = status,
                Scale = scale is null ? null : new ScaleSubresource(Str(scale, "specReplicasPath"), Str(scale, "statusReplicasPath"),
                    Str(scale, "labelSelectorPath") is { Length: > 0 } selector ? selector : null),
            };
            var versionName = Str(version, "name");
            var sub = new List<Subresource>();
            if (scale is not null)
            {
                sub.Add(new Subresource("scale", "autoscaling", "v1", "Scale", StatusVerbs));
            }
            if (status)
            {
                sub.Add(new Subresource("status", group, versionName, kind, StatusVerbs));
            }
            types.Add(new ResourceType
            {
                Group = group,
                Version = versionName,
                Kind = kind,
                Plural = plural,
                SingularName = singular.Length > 0 ? singular : kind.ToLowerInvariant(),
                Namespaced = Str(spec, "scope") == "Namespaced",
                ClrType = typeof(CustomResource),
                ShortNames = Strings(names["shortNames"]),
                Categories = Strings(names["categories"]),
                Subresources = sub,
                StorageResource = $"{group}/{plural}",
                Custom = shape,
            });
        }
        return types;
    }

    /// <summary>The names a CRD asks for: plural, singular, kind, listKind, shortNames and categories.</summary>
    public static JsonObject RequestedNames(JsonObject crd)
    {
        ArgumentNullException.ThrowIfNull(crd);
        var names = ((crd["spec"] as JsonObject)?["names"] as JsonObject)?.DeepClone() as JsonObject ?? [];
        if (Str(names, "singular").Length == 0 && Str(names, "kind") is { Length: > 0 } kind)
        {
            names["singular"] = kind.ToLowerInvariant();
        }
        if (Str(names, "listKind").Length == 0 && Str(names, "kind") is { Length: > 0 } k)
        {
            names["listKind"] = k + "List";
        }
        return names;
    }

    private static PrinterColumn Column(JsonObject column) => new(
        Str(column, "name"), Str(column, "type"), Str(column, "format"), Str(column, "description"),
        column["priority"] is JsonValue p && p.TryGetValue(out int priority) ? priority : 0, Str(column, "jsonPath"));

    private static string[] Strings(JsonNode? node) => node is JsonArray array ? [.. array.Select(v => v?.ToString() ?? "")] : [];
}
