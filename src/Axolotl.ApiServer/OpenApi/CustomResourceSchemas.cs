using System.Text.Json.Nodes;
using Axolotl.Api.Apiextensions.Schema;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;

namespace Axolotl.ApiServer.OpenApi;

/// <summary>
/// The component schema of a custom resource kind, published from its CRD's structural schema as
/// upstream does: named by the reversed group, version and kind ("com.example.v1.Widget"), with
/// apiVersion, kind and metadata (ObjectMeta) filled in and x-kubernetes-group-version-kind, which
/// kubectl explain looks for.
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
