using System.Globalization;
using System.Text.Json.Nodes;

namespace Axolotl.Api.Apiextensions.Schema;

/// <summary>
/// One node of a CRD's structural openAPIV3Schema, the subset this server validates, prunes and
/// defaults with. Parsed once when a CRD becomes Established, read on every custom resource write.
/// The CEL rules (x-kubernetes-validations) are kept as written; the API server compiles them once per
/// parsed schema and evaluates them on every write.
/// </summary>
public sealed class JsonSchemaProps
{
    public string? Type { get; private init; }
    public string? Format { get; private init; }

    /// <summary>Published in the OpenAPI documents (what <c>kubectl explain</c> prints); never validated against.</summary>
    public string? Description { get; private init; }
    public bool Nullable { get; private init; }
    public bool PreserveUnknownFields { get; private init; }
    public bool IntOrString { get; private init; }
    public bool EmbeddedResource { get; private init; }
    public IReadOnlyDictionary<string, JsonSchemaProps> Properties { get; private init; } = new Dictionary<string, JsonSchemaProps>();
    public IReadOnlyList<string> Required { get; private init; } = [];
    public JsonSchemaProps? Items { get; private init; }

    /// <summary>additionalProperties as a schema: the object is a map whose values all follow it.</summary>
    public JsonSchemaProps? AdditionalProperties { get; private init; }

    /// <summary>additionalProperties: true, which keeps any key unpruned.</summary>
    public bool AdditionalPropertiesAllowed { get; private init; }

    public IReadOnlyList<JsonNode?>? Enum { get; private init; }
    public decimal? Minimum { get; private init; }
    public decimal? Maximum { get; private init; }
    public bool ExclusiveMinimum { get; private init; }
    public bool ExclusiveMaximum { get; private init; }
    public long? MinLength { get; private init; }
    public long? MaxLength { get; private init; }
    public long? MinItems { get; private init; }
    public long? MaxItems { get; private init; }
    public long? MinProperties { get; private init; }
    public long? MaxProperties { get; private init; }
    public string? Pattern { get; private init; }
    public JsonNode? Default { get; private init; }

    public decimal? MultipleOf { get; private init; }

    /// <summary>allOf: value validations every one of which the value must pass (no types or structure inside).</summary>
    public IReadOnlyList<JsonSchemaProps> AllOf { get; private init; } = [];

    /// <summary>anyOf: value validations at least one of which the value must pass.</summary>
    public IReadOnlyList<JsonSchemaProps> AnyOf { get; private init; } = [];

    /// <summary>oneOf: value validations exactly one of which the value must pass.</summary>
    public IReadOnlyList<JsonSchemaProps> OneOf { get; private init; } = [];

    /// <summary>not: a value validation the value must fail.</summary>
    public JsonSchemaProps? Not { get; private init; }

    /// <summary>Whether any junctor (allOf, anyOf, oneOf, not) is set here.</summary>
    public bool HasJunctors => AllOf.Count > 0 || AnyOf.Count > 0 || OneOf.Count > 0 || Not is not null;

    /// <summary>x-kubernetes-validations: CEL rules over the value at this node.</summary>
    public IReadOnlyList<ValidationRule> ValidationRules { get; private init; } = [];

    /// <summary>x-kubernetes-list-type: atomic (the default), set or map.</summary>
    public string? ListType { get; private init; }

    /// <summary>x-kubernetes-list-map-keys: the fields that identify an item of a list of type map.</summary>
    public IReadOnlyList<string> ListMapKeys { get; private init; } = [];

    /// <summary>x-kubernetes-map-type: granular (the default) or atomic.</summary>
    public string? MapType { get; private init; }

    /// <summary>A schema that accepts anything and keeps it (a version without a schema).</summary>
    public static JsonSchemaProps PreserveAll { get; } = new() { PreserveUnknownFields = true };

    public static JsonSchemaProps Parse(JsonObject node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var properties = new Dictionary<string, JsonSchemaProps>(StringComparer.Ordinal);
        if (node["properties"] is JsonObject props)
        {
            foreach (var (name, value) in props)
            {
                if (value is JsonObject child)
                {
                    properties[name] = Parse(child);
                }
            }
        }
        return new JsonSchemaProps
        {
            Type = Str(node, "type"),
            Format = Str(node, "format"),
            Description = Str(node, "description"),
            Nullable = Bool(node, "nullable"),
            PreserveUnknownFields = Bool(node, "x-kubernetes-preserve-unknown-fields"),
            IntOrString = Bool(node, "x-kubernetes-int-or-string"),
            EmbeddedResource = Bool(node, "x-kubernetes-embedded-resource"),
            Properties = properties,
            Required = node["required"] is JsonArray required ? [.. required.Select(r => r?.ToString() ?? "")] : [],
            Items = node["items"] is JsonObject items ? Parse(items) : null,
            AdditionalProperties = node["additionalProperties"] is JsonObject additional ? Parse(additional) : null,
            AdditionalPropertiesAllowed = node["additionalProperties"] is JsonValue allowed && allowed.TryGetValue(out bool yes) && yes,
            Enum = node["enum"] is JsonArray values ? [.. values.Select(v => v?.DeepClone())] : null,
            Minimum = Number(node, "minimum"),
            Maximum = Number(node, "maximum"),
            ExclusiveMinimum = Bool(node, "exclusiveMinimum"),
            ExclusiveMaximum = Bool(node, "exclusiveMaximum"),
            MinLength = Integer(node, "minLength"),
            MaxLength = Integer(node, "maxLength"),
            MinItems = Integer(node, "minItems"),
            MaxItems = Integer(node, "maxItems"),
            MinProperties = Integer(node, "minProperties"),
            MaxProperties = Integer(node, "maxProperties"),
            Pattern = Str(node, "pattern"),
            Default = node["default"]?.DeepClone(),
            MultipleOf = Number(node, "multipleOf"),
            AllOf = Schemas(node, "allOf"),
            AnyOf = Schemas(node, "anyOf"),
            OneOf = Schemas(node, "oneOf"),
            Not = node["not"] is JsonObject not ? Parse(not) : null,
            ValidationRules = node["x-kubernetes-validations"] is JsonArray rules ? [.. rules.OfType<JsonObject>().Select(ValidationRule.Parse)] : [],
            ListType = Str(node, "x-kubernetes-list-type"),
            ListMapKeys = node["x-kubernetes-list-map-keys"] is JsonArray keys ? [.. keys.Select(k => k?.ToString() ?? "")] : [],
            MapType = Str(node, "x-kubernetes-map-type"),
        };
    }

    private static JsonSchemaProps[] Schemas(JsonObject node, string name) =>
        node[name] is JsonArray list ? [.. list.OfType<JsonObject>().Select(Parse)] : [];

    private static string? Str(JsonObject node, string name) => node[name] is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    private static bool Bool(JsonObject node, string name) => node[name] is JsonValue v && v.TryGetValue(out bool b) && b;

    private static decimal? Number(JsonObject node, string name) =>
        node[name] is JsonValue v && decimal.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;

    private static long? Integer(JsonObject node, string name) =>
        node[name] is JsonValue v && long.TryParse(v.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l : null;
}
