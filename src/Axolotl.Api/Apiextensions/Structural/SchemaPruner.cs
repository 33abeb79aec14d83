using System.Text.Json.Nodes;
using Axolotl.Api.Apiextensions.Schema;

namespace Axolotl.Api.Apiextensions.Structural;

/// <summary>
/// Drops the fields a structural schema does not declare, as kube-apiserver prunes custom resources
/// before storing them, and reports each one ("spec.foo") so that fieldValidation can warn or refuse.
/// x-kubernetes-preserve-unknown-fields keeps a subtree; an embedded resource keeps apiVersion, kind, metadata.
/// </summary>
public static class SchemaPruner
{
    public static IReadOnlyList<string> Prune(JsonSchemaProps schema, JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(obj);
        var pruned = new List<string>();
        PruneObject(schema, obj, "", pruned, root: true);
        return pruned;
    }

    /// <summary>
    /// Prunes one value against the node of the schema it sits at (a schema's default); <paramref name="resourceRoot"/>
    /// keeps apiVersion, kind and metadata as at the root of a resource.
    /// </summary>
    public static IReadOnlyList<string> PruneValue(JsonSchemaProps schema, JsonNode? value, bool resourceRoot)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var pruned = new List<string>();
        if (value is JsonObject obj)
        {
            PruneObject(schema, obj, "", pruned, root: resourceRoot);
        }
        else
        {
            PruneNode(schema, value, "", pruned);
        }
        return pruned;
    }

    private static void PruneNode(JsonSchemaProps schema, JsonNode? value, string path, List<string> pruned)
    {
        switch (value)
        {
            case JsonObject obj:
                PruneObject(schema, obj, path, pruned, root: false);
                break;
            case JsonArray array when schema.Items is { } items:
                for (var i = 0; i < array.Count; i++)
                {
                    PruneNode(items, array[i], $"{path}[{i}]", pruned);
                }
                break;
            default:
                break;
        }
    }

    private static void PruneObject(JsonSchemaProps schema, JsonObject obj, string path, List<string> pruned, bool root)
    {
        foreach (var name in obj.Select(p => p.Key).ToList())
        {
            var childPath = path.Length == 0 ? name : $"{path}.{name}";
            if ((root || schema.EmbeddedResource) && name is "apiVersion" or "kind" or "metadata")
            {
                continue;
            }
            if (schema.Properties.TryGetValue(name, out var child))
            {
                PruneNode(child, obj[name], childPath, pruned);
            }
            else if (schema.AdditionalProperties is { } additional)
            {
                PruneNode(additional, obj[name], childPath, pruned);
            }
            else if (!schema.PreserveUnknownFields && !schema.AdditionalPropertiesAllowed)
            {
                obj.Remove(name);
                pruned.Add(childPath);
            }
        }
    }
}
