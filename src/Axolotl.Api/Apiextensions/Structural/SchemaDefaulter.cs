using System.Text.Json.Nodes;
using Axolotl.Api.Apiextensions.Schema;

namespace Axolotl.Api.Apiextensions.Structural;

/// <summary>
/// Applies a structural schema's defaults: a property missing (or null and not nullable) in an object
/// that exists gets its default, then defaulting goes on inside it, as upstream's structural defaulter does.
/// </summary>
public static class SchemaDefaulter
{
    public static void Apply(JsonSchemaProps schema, JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(obj);
        DefaultObject(schema, obj);
    }

    private static void DefaultNode(JsonSchemaProps schema, JsonNode? value)
    {
        switch (value)
        {
            case JsonObject obj:
                DefaultObject(schema, obj);
                break;
            case JsonArray array when schema.Items is { } items:
                foreach (var item in array)
                {
                    DefaultNode(items, item);
                }
                break;
            default:
                break;
        }
    }

    private static void DefaultObject(JsonSchemaProps schema, JsonObject obj)
    {
        foreach (var (name, child) in schema.Properties)
        {
            var missing = !obj.TryGetPropertyValue(name, out var value) || (value is null && !child.Nullable);
            if (missing && child.Default is { } fallback)
            {
                obj[name] = fallback.DeepClone();
            }
            if (obj[name] is { } present)
            {
                DefaultNode(child, present);
            }
        }
        if (schema.AdditionalProperties is { } additional)
        {
            foreach (var (name, value) in obj.ToList())
            {
                if (!schema.Properties.ContainsKey(name))
                {
                    DefaultNode(additional, value);
                }
            }
        }
    }
}
