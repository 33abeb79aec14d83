using System.Text.Json.Nodes;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;

namespace Axolotl.ApiServer.OpenApi;

/// <summary>
/// One OpenAPI 3.0 document, for one group-version ("api/v1", "apis/apps/v1"): the paths of its resources and
/// the schemas of their kinds, their list kinds and the subresource kinds (Scale, Eviction) that have models.
/// </summary>
internal static class GroupVersionDocument
{
    public const string KubernetesVersion = "v1.32.4";

    public static JsonObject Build(string group, string version, IReadOnlyList<ResourceType> resources, Func<string, string, Type?> findModel)
    {
        var schemas = new SchemaRegistry();
        var kindSchemas = new Dictionary<ResourceType, string>();

        // Schemas first: responses and request bodies only point at components that exist.
        foreach (var resource in resources)
        {
            var name = resource.IsCustom ? CustomResourceSchemas.Register(schemas, resource) : schemas.Register(resource.ClrType);
            schemas.AddGroupVersionKind(name, resource.Group, resource.Version, resource.Kind);
            schemas.DescribeKindFields(name, resource.Kind);
            schemas.AddSynthetic(name + "List", ListSchema(schemas, name, resource));
            kindSchemas[resource] = name;
        }
        schemas.Register(typeof(Status));

        var subresourceSchemas = new Dictionary<(string Group, string Kind), string?>();
        foreach (var subresource in resources.SelectMany(r => r.Subresources))
        {
            var key = (subresource.Group, subresource.Kind);
            if (subresourceSchemas.ContainsKey(key))
            {
                continue;
            }
            var parent = resources.FirstOrDefault(r => r.Group == subresource.Group && r.Kind == subresource.Kind);
            if (parent is not null)
            {
                subresourceSchemas[key] = kindSchemas[parent];
                continue;
            }
            var model = findModel(subresource.Group, subresource.Kind);
            string? name = null;
            if (model is not null)
            {
                name = schemas.Register(model);
                schemas.AddGroupVersionKind(name, subresource.Group, subresource.Version, subresource.Kind);
                schemas.DescribeKindFields(name, subresource.Kind);
            }
            subresourceSchemas[key] = name;
        }

        var paths = new PathsBuilder(group, version, schemas, s => subresourceSchemas.GetValueOrDefault((s.Group, s.Kind)));
        foreach (var resource in resources)
        {
            paths.Add(resource, kindSchemas[resource]);
        }

        var components = new JsonObject();
        foreach (var (name, schema) in schemas.Schemas)
        {
            components[name] = schema;
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = KubernetesVersion },
            ["paths"] = paths.Build(),
            ["components"] = new JsonObject { ["schemas"] = components },
        };
    }

    private static JsonObject ListSchema(SchemaRegistry schemas, string itemSchema, ResourceType resource)
    {
        var listMeta = schemas.Register(typeof(ListMeta));
        return new JsonObject
        {
            ["description"] = resource.ListKind + " is a list of " + resource.Kind + " objects.",
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["apiVersion"] = new JsonObject { ["description"] = WellKnownSchemas.ApiVersionDescription, ["type"] = "string" },
                ["items"] = new JsonObject
                {
                    ["description"] = "List of " + resource.Plural + ".",
                    ["type"] = "array",
                    ["items"] = new JsonObject { ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = SchemaNames.Prefix + itemSchema }) },
                },
                ["kind"] = new JsonObject { ["description"] = WellKnownSchemas.KindDescription, ["type"] = "string" },
                ["metadata"] = new JsonObject
                {
                    ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = SchemaNames.Prefix + listMeta }),
                    ["description"] = WellKnownSchemas.ListMetadataDescription,
                },
            },
            ["required"] = new JsonArray("items"),
            ["x-kubernetes-group-version-kind"] = new JsonArray(new JsonObject
            {
                ["group"] = resource.Group,
                ["kind"] = resource.ListKind,
                ["version"] = resource.Version,
            }),
        };
    }
}
