using Axolotl.Api.Apiextensions.Schema;

namespace Axolotl.ApiServer.Apiextensions.Rules;

/// <summary>
/// The schema-typed part of compiling a rule: selecting a field the schema does not declare is cel-go's compile error
/// "undefined field 'x'", for an object whose properties are all declared (no additionalProperties, no
/// x-kubernetes-preserve-unknown-fields). At a resource root apiVersion and kind are fields too, and metadata has only
/// name and generateName. Where the schema cannot tell, the selection is accepted and checked when it runs.
/// </summary>
internal static class RuleFields
{
    private static readonly JsonSchemaProps Metadata = JsonSchemaProps.Parse(new System.Text.Json.Nodes.JsonObject
    {
        ["type"] = "object",
        ["properties"] = new System.Text.Json.Nodes.JsonObject { ["name"] = new System.Text.Json.Nodes.JsonObject { ["type"] = "string" }, ["generateName"] = new System.Text.Json.Nodes.JsonObject { ["type"] = "string" } },
    });

    public static string? Check(JsonSchemaProps node, bool resourceRoot, IReadOnlyList<string> path, string field)
    {
        var (schema, root) = Resolve(node, resourceRoot, path);
        if (schema is null || (root && field is "apiVersion" or "kind" or "metadata"))
        {
            return null;
        }
        if (schema.Type != "object" || schema.AdditionalProperties is not null || schema.AdditionalPropertiesAllowed || schema.PreserveUnknownFields)
        {
            return null;
        }
        return schema.Properties.ContainsKey(RuleSizes.Unescape(field)) ? null : $"undefined field '{field}'";
    }

    // The schema of the value at path (after the variable), and whether it is a resource root; null when unknown.
    private static (JsonSchemaProps? Schema, bool Root) Resolve(JsonSchemaProps node, bool resourceRoot, IReadOnlyList<string> path)
    {
        JsonSchemaProps? current = node;
        var root = resourceRoot;
        for (var i = 1; i < path.Count && current is not null; i++)
        {
            var step = path[i];
            if (root && step is "apiVersion" or "kind")
            {
                return (null, false);
            }
            current = root && step == "metadata" ? Metadata : step switch
            {
                "@items" => current.Items,
                "@values" => current.Items ?? current.AdditionalProperties,
                _ => current.Properties.GetValueOrDefault(RuleSizes.Unescape(step)) ?? current.AdditionalProperties,
            };
            root = current?.EmbeddedResource == true;
        }
        return (current, root);
    }
}
