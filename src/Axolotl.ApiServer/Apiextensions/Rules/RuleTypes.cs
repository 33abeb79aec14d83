using Axolotl.Api.Apiextensions.Schema;
using Axolotl.Cel.Types;

namespace Axolotl.ApiServer.Apiextensions.Rules;

/// <summary>
/// The CEL type of a schema node, as kube-apiserver's SchemaDeclType builds it for <c>self</c> and <c>oldSelf</c>: an
/// object's declared properties become fields (names escaped, <c>x-dash</c> as <c>x__dash__y</c>; a name that cannot be
/// escaped is not exposed), additionalProperties a <c>map(string, V)</c>, items a <c>list(T)</c>; a string is bytes,
/// a duration or a timestamp by its format; x-kubernetes-int-or-string is <c>dyn</c>. The root of a resource and an
/// embedded resource always have apiVersion, kind and metadata with name and generateName. Unknown fields of an object
/// with x-kubernetes-preserve-unknown-fields are not visible, as upstream. A node upstream cannot type (no type and no
/// int-or-string) is <c>dyn</c> here, so its rules compile and are checked when they run.
/// </summary>
internal static class RuleTypes
{
    /// <summary>The name of the root type in messages; upstream's is "selfType" with a number that changes on every write.</summary>
    public const string RootName = "selfType0";

    private static readonly JsonSchemaProps StringSchema = JsonSchemaProps.Parse(new System.Text.Json.Nodes.JsonObject { ["type"] = "string" });

    public static CelDeclType Of(JsonSchemaProps node, bool resourceRoot) => DeclType(node, resourceRoot, RootName) ?? CelDeclType.Dyn;

    private static CelDeclType? DeclType(JsonSchemaProps s, bool resourceRoot, string name)
    {
        if (s.IntOrString)
        {
            return CelDeclType.Dyn;
        }
        switch (s.Type)
        {
            case "array":
                return s.Items is { } items && DeclType(items, items.EmbeddedResource, name + ".@idx") is { } element ? CelDeclType.List(element) : null;
            case "object" when s.AdditionalProperties is { } values:
                return DeclType(values, values.EmbeddedResource, name + ".@elem") is { } value ? CelDeclType.Map(CelDeclType.String, value) : null;
            case "object":
                return CelDeclType.Object(name, Fields(s, resourceRoot, name));
            case "string":
                return s.Format switch
                {
                    "byte" => CelDeclType.Bytes,
                    "duration" => CelDeclType.Duration,
                    "date" or "date-time" => CelDeclType.Timestamp,
                    _ => CelDeclType.String,
                };
            case "boolean":
                return CelDeclType.Bool;
            case "number":
                return CelDeclType.Double;
            case "integer":
                return CelDeclType.Int;
            default:
                return null;
        }
    }

    private static Dictionary<string, CelDeclType> Fields(JsonSchemaProps s, bool resourceRoot, string name)
    {
        var fields = new Dictionary<string, CelDeclType>(StringComparer.Ordinal);
        foreach (var (property, schema) in s.Properties)
        {
            if (CelFieldNames.Escape(property) is { } field && DeclType(schema, schema.EmbeddedResource, $"{name}.{field}") is { } type)
            {
                fields[field] = type;
            }
        }
        if (resourceRoot && !HasTypeAndObjectMeta(s))
        {
            // Upstream's WithTypeAndObjectMeta replaces all three unless the schema already declares them as strings.
            fields["apiVersion"] = CelDeclType.String;
            fields["kind"] = CelDeclType.String;
            fields["metadata"] = CelDeclType.Object($"{name}.metadata", new Dictionary<string, CelDeclType>(StringComparer.Ordinal)
            {
                ["name"] = CelDeclType.String,
                ["generateName"] = CelDeclType.String,
            });
        }
        return fields;
    }

    /// <summary>An embedded resource's schema that declares kind, apiVersion and metadata.name/generateName itself.</summary>
    internal static bool HasTypeAndObjectMeta(JsonSchemaProps s) =>
        s.Properties.TryGetValue("kind", out var kind) && kind.Type == "string"
        && s.Properties.TryGetValue("apiVersion", out var apiVersion) && apiVersion.Type == "string"
        && s.Properties.TryGetValue("metadata", out var metadata) && metadata.Type == "object"
        && metadata.Properties.TryGetValue("name", out var n) && n.Type == "string"
        && metadata.Properties.TryGetValue("generateName", out var g) && g.Type == "string";
}
