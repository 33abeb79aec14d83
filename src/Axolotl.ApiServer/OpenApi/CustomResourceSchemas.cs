using System.Text.Json.Nodes;
using Axolotl.Api.Apiextensions.Schema;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;

namespace Axolotl.ApiServer.OpenApi;

/// <summary>
/// The component schema of a custom resource kind, published from its CRD's structural schema as
/// upstream does: named by the reversed group, version and kind ("com.example.v1.Widget"), with
/// apiVersion, kind and metadata (ObjectMeta) filled in and x-kubernetes-group-version-kind, which
/// kubectl explain looks for. The junctors (allOf, anyOf, oneOf, not) are published as written, and an
/// x-kubernetes-int-or-string node states its two forms with upstream's anyOf (its Unfold); the Swagger 2.0
/// document drops every junctor (<see cref="SwaggerV2"/>), as upstream's v2 conversion does.
/// </summary>
internal static class CustomResourceSchemas
{
    public static string Register(SchemaRegistry schemas, ResourceType resource)
    {
        var name = Name(resource.Group, resource.Version, resource.Kind);
        var schema = resource.Custom is { } shape ? ToOpenApi(shape.Schema) : new JsonObject();
        schema["type"] = "object";
        if (schema["properties"] is not JsonObject properties)
        {
            properties = [];
            schema["properties"] = properties;
        }
        properties["apiVersion"] = new JsonObject { ["description"] = WellKnownSchemas.ApiVersionDescription, ["type"] = "string" };
        properties["kind"] = new JsonObject { ["description"] = WellKnownSchemas.KindDescription, ["type"] = "string" };
        properties["metadata"] = new JsonObject
        {
            ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = SchemaNames.Prefix + schemas.Register(typeof(ObjectMeta)) }),
            ["description"] = WellKnownSchemas.MetadataDescription,
        };
        schemas.AddSynthetic(name, schema);
        return name;
    }

    /// <summary>"example.com", "v1", "Widget" → "com.example.v1.Widget".</summary>
    public static string Name(string group, string version, string kind) =>
        string.Join('.', group.Split('.').Reverse()) + "." + version + "." + kind;

    private static JsonObject ToOpenApi(JsonSchemaProps props)
    {
        var o = new JsonObject();
        if (props.Description is { } description)
        {
            o["description"] = description;
        }
        if (props.Type is { } type)
        {
            o["type"] = type;
        }
        if (props.Format is { } format)
        {
            o["format"] = format;
        }
        if (props.Nullable)
        {
            o["nullable"] = true;
        }
        if (props.Properties.Count > 0)
        {
            var properties = new JsonObject();
            foreach (var (field, child) in props.Properties.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                properties[field] = ToOpenApi(child);
            }
            o["properties"] = properties;
        }
        if (props.Required.Count > 0)
        {
            o["required"] = new JsonArray([.. props.Required.Select(r => (JsonNode)r)]);
        }
        if (props.Items is { } items)
        {
            o["items"] = ToOpenApi(items);
        }
        if (props.AdditionalProperties is { } additional)
        {
            o["additionalProperties"] = ToOpenApi(additional);
        }
        if (props.Enum is { } values)
        {
            o["enum"] = new JsonArray([.. values.Select(v => v?.DeepClone())]);
        }
        Number(o, "minimum", props.Minimum);
        Number(o, "maximum", props.Maximum);
        if (props.ExclusiveMinimum)
        {
            o["exclusiveMinimum"] = true;
        }
        if (props.ExclusiveMaximum)
        {
            o["exclusiveMaximum"] = true;
        }
        Count(o, "minLength", props.MinLength);
        Count(o, "maxLength", props.MaxLength);
        Count(o, "minItems", props.MinItems);
        Count(o, "maxItems", props.MaxItems);
        Count(o, "minProperties", props.MinProperties);
        Count(o, "maxProperties", props.MaxProperties);
        if (props.Pattern is { } pattern)
        {
            o["pattern"] = pattern;
        }
        if (props.Default is { } value)
        {
            o["default"] = value.DeepClone();
        }
        Number(o, "multipleOf", props.MultipleOf);
        Junctors(o, props);
        if (props.PreserveUnknownFields)
        {
            o["x-kubernetes-preserve-unknown-fields"] = true;
        }
        if (props.IntOrString)
        {
            o["x-kubernetes-int-or-string"] = true;
        }
        if (props.EmbeddedResource)
        {
            o["x-kubernetes-embedded-resource"] = true;
        }
        return o;
    }

    private static void Junctors(JsonObject o, JsonSchemaProps props)
    {
        var allOf = props.AllOf.Select(ToOpenApi).ToList();
        var anyOf = props.AnyOf.Select(ToOpenApi).ToList();
        if (props.IntOrString && !IsIntOrStringAnyOf(anyOf) && !(allOf.Count > 0 && allOf[0]["anyOf"] is JsonArray first && IsIntOrStringAnyOf([.. first])))
        {
            if (anyOf.Count == 0)
            {
                anyOf = IntOrStringAnyOf();
            }
            else
            {
                allOf.Insert(0, new JsonObject { ["anyOf"] = new JsonArray([.. IntOrStringAnyOf()]) });
            }
        }
        if (allOf.Count > 0)
        {
            o["allOf"] = new JsonArray([.. allOf]);
        }
        if (anyOf.Count > 0)
        {
            o["anyOf"] = new JsonArray([.. anyOf]);
        }
        if (props.OneOf.Count > 0)
        {
            o["oneOf"] = new JsonArray([.. props.OneOf.Select(ToOpenApi)]);
        }
        if (props.Not is { } not)
        {
            o["not"] = ToOpenApi(not);
        }
    }

    private static List<JsonObject> IntOrStringAnyOf() => [new JsonObject { ["type"] = "integer" }, new JsonObject { ["type"] = "string" }];

    private static bool IsIntOrStringAnyOf(IReadOnlyList<JsonNode?> anyOf) =>
        anyOf.Count == 2 && JsonNode.DeepEquals(anyOf[0], IntOrStringAnyOf()[0]) && JsonNode.DeepEquals(anyOf[1], IntOrStringAnyOf()[1]);

    private static void Number(JsonObject o, string key, decimal? value)
    {
        if (value is { } v)
        {
            o[key] = decimal.Truncate(v) == v && Math.Abs(v) < long.MaxValue ? JsonValue.Create((long)v) : JsonValue.Create(v);
        }
    }

    private static void Count(JsonObject o, string key, long? value)
    {
        if (value is { } v)
        {
            o[key] = v;
        }
    }
}
