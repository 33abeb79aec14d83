using Axolotl.Api.Apiextensions.Schema;

namespace Axolotl.ApiServer.Apiextensions.Rules;

/// <summary>
/// How large the values a rule sees can be, for its cost estimate, and how many times a rule can run in one object,
/// as kube-apiserver bounds them: maxItems, maxLength and maxProperties where the schema declares them, otherwise
/// what fits in the largest request the server accepts (3 MiB).
/// </summary>
internal static class RuleSizes
{
    public const long MaxRequestSizeBytes = 3 * 1024 * 1024;

    /// <summary>The size assumed where nothing better is known: an unbounded string.</summary>
    public const long Unbounded = MaxRequestSizeBytes - 2;

    /// <summary>The largest size of the value at <paramref name="path"/> (["self", "spec", "@items"]) under <paramref name="node"/>, or null when unknown.</summary>
    public static long? SizeAt(JsonSchemaProps node, IReadOnlyList<string> path)
    {
        var current = node;
        for (var i = 1; i < path.Count; i++)
        {
            var step = path[i];
            JsonSchemaProps? next = step switch
            {
                "@items" => current.Items ?? (current.AdditionalProperties is not null ? KeySchema : null),
                "@values" => current.Items ?? current.AdditionalProperties,
                _ => current.Properties.GetValueOrDefault(Unescape(step)) ?? current.AdditionalProperties,
            };
            if (next is null)
            {
                return null;
            }
            current = next;
        }
        return MaxSize(current);
    }

    /// <summary>The most elements (items, properties, characters) a value of <paramref name="schema"/> can have.</summary>
    public static long MaxSize(JsonSchemaProps schema) => schema.Type switch
    {
        "array" => schema.MaxItems ?? MaxRequestSizeBytes / (MinSerializedSize(schema.Items) + 1),
        "string" => schema.MaxLength ?? Unbounded,
        "object" when schema.Properties.Count > 0 => schema.Properties.Count,
        "object" => schema.MaxProperties ?? MaxRequestSizeBytes / (MinSerializedSize(schema.AdditionalProperties) + 4),
        "integer" or "number" or "boolean" => 1,
        _ => Unbounded,
    };

    /// <summary>
    /// How many times a rule at this node can run in one object, when some list or map above it is unbounded: as many
    /// of its smallest values as fit in a request.
    /// </summary>
    public static long UnboundedCardinality(JsonSchemaProps schema) => MaxRequestSizeBytes / (MinSerializedSize(schema) + 1);

    // The shortest JSON text of a value: "" for a string, 0 for a number, {} and [] for collections.
    private static long MinSerializedSize(JsonSchemaProps? schema) => schema?.Type switch
    {
        "string" => 2,
        "integer" or "number" => 1,
        "boolean" => 4,
        "object" or "array" => 2,
        _ => 1,
    };

    private static readonly JsonSchemaProps KeySchema = JsonSchemaProps.Parse(new System.Text.Json.Nodes.JsonObject { ["type"] = "string" });

    // CEL's escaping of property names (self.x__dash__y reads x-y; self.__namespace__ reads namespace).
    internal static string Unescape(string name)
    {
        if (name.Length > 4 && name.StartsWith("__", StringComparison.Ordinal) && name.EndsWith("__", StringComparison.Ordinal)
            && !name[2..^2].Contains("__", StringComparison.Ordinal) && name[2..^2] is not ("dash" or "dot" or "slash" or "underscores"))
        {
            return name[2..^2];
        }
        return name.Replace("__underscores__", "\u0000", StringComparison.Ordinal).Replace("__dash__", "-", StringComparison.Ordinal)
            .Replace("__dot__", ".", StringComparison.Ordinal).Replace("__slash__", "/", StringComparison.Ordinal).Replace("\u0000", "__", StringComparison.Ordinal);
    }
}
