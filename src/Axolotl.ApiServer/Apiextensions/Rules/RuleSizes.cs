using System.Text;
using System.Text.Json;
using Axolotl.Api.Apiextensions.Schema;
using Axolotl.Cel.Types;

namespace Axolotl.ApiServer.Apiextensions.Rules;

/// <summary>
/// How large the values under a schema node can be, as kube-apiserver's SchemaDeclType sizes them for cost estimation
/// (MaxElements) and for counting how often a node can occur in one object (MinSerializedSize). One instance per node,
/// shaped like the node's CEL type: fields by escaped name, a list's or map's element, a map's key.
/// </summary>
/// <remarks>
/// Upstream's numbers, kept as they are since they decide which CRDs are accepted: a string with maxLength may hold
/// 4 × maxLength (bytes of UTF-8), without it the longest enum value or a whole request (3 MiB − 2); format byte
/// maxLength bytes; duration and date-time 32, date 12 whatever maxLength says; a list maxItems, else as many of its
/// smallest items as fit in a request; a map maxProperties, else likewise; objects, numbers and booleans 0.
/// </remarks>
internal sealed class RuleSizes
{
    /// <summary>The largest request body the API server accepts, which bounds what the schema does not.</summary>
    public const long MaxRequestSizeBytes = 3 * 1024 * 1024;

    private const long UnboundedString = MaxRequestSizeBytes - 2;

    private static readonly RuleSizes MapKey = new(0, 2);

    private RuleSizes(long maxElements, long minSerializedSize)
    {
        MaxElements = maxElements;
        MinSerializedSize = minSerializedSize;
    }

    /// <summary>The most characters, bytes, items or entries a value can have.</summary>
    public long MaxElements { get; }

    /// <summary>The fewest bytes a value takes in JSON: "" for a string, {} plus its required properties for an object.</summary>
    public long MinSerializedSize { get; }

    private IReadOnlyDictionary<string, RuleSizes> Fields { get; init; } = new Dictionary<string, RuleSizes>();

    private RuleSizes? Element { get; init; }

    private RuleSizes? Key { get; init; }

    /// <summary>
    /// How many times a node whose ancestors include an unbounded list or map can occur in one object: as many of its
    /// smallest values, each followed by a comma, as fit in a request.
    /// </summary>
    public ulong MaxCardinality => (ulong)(MaxRequestSizeBytes / (MinSerializedSize + 1));

    /// <summary>The sizes of <paramref name="schema"/>, or null where upstream has no CEL type for it.</summary>
    public static RuleSizes? Of(JsonSchemaProps schema, bool resourceRoot)
    {
        if (schema.IntOrString)
        {
            return new RuleSizes(UnboundedString, 1);
        }
        switch (schema.Type)
        {
            case "array":
                if (schema.Items is not { } items || Of(items, items.EmbeddedResource) is not { } element)
                {
                    return null;
                }
                return new RuleSizes(NonNegative(schema.MaxItems) ?? (MaxRequestSizeBytes - 2) / (element.MinSerializedSize + 1), 2) { Element = element };
            case "object" when schema.AdditionalProperties is { } values:
                if (Of(values, values.EmbeddedResource) is not { } value)
                {
                    return null;
                }
                // Each entry takes at least "":v plus a comma.
                return new RuleSizes(NonNegative(schema.MaxProperties) ?? (MaxRequestSizeBytes - 2) / (value.MinSerializedSize + 6), 2) { Element = value, Key = MapKey };
            case "object":
                return Object(schema, resourceRoot);
            case "string":
                return schema.Format switch
                {
                    "byte" => new RuleSizes(NonNegative(schema.MaxLength) ?? UnboundedString, 2),
                    "duration" => new RuleSizes(32, 3),
                    "date" => new RuleSizes(12, 12),
                    "date-time" => new RuleSizes(32, 21),
                    _ => new RuleSizes(NonNegative(schema.MaxLength) * 4 ?? LongestEnumValue(schema) ?? UnboundedString, 2),
                };
            case "boolean":
                return new RuleSizes(0, 4);
            case "number" or "integer":
                return new RuleSizes(0, 1);
            default:
                return null;
        }
    }

    /// <summary>
    /// The most elements of the value at <paramref name="path"/>, whose first element is the variable (self, oldSelf) and
    /// the rest field names, <c>@items</c>, <c>@keys</c>, <c>@values</c>; null where the path leaves the schema.
    /// </summary>
    public ulong? SizeAt(IReadOnlyList<string> path)
    {
        var current = this;
        for (var i = 1; i < path.Count; i++)
        {
            var next = path[i] switch
            {
                "@items" or "@values" => current.Element,
                "@keys" => current.Key,
                var field => current.Fields.GetValueOrDefault(field) ?? current.Fields.GetValueOrDefault($"__{field}__"),
            };
            if (next is null)
            {
                return null;
            }
            current = next;
        }
        return (ulong)current.MaxElements;
    }

    private static RuleSizes Object(JsonSchemaProps schema, bool resourceRoot)
    {
        var fields = new Dictionary<string, RuleSizes>(StringComparer.Ordinal);
        var required = schema.Required.ToHashSet(StringComparer.Ordinal);
        long minSize = 2;
        foreach (var (name, property) in schema.Properties)
        {
            if (Of(property, property.EmbeddedResource) is not { } field)
            {
                continue;
            }
            if (CelFieldNames.Escape(name) is { } escaped)
            {
                fields[escaped] = field;
            }
            // Defaulted properties are filled in by the server, so only required ones without a default take space.
            if (required.Contains(name) && property.Default is null)
            {
                minSize += Encoding.UTF8.GetByteCount(name) + field.MinSerializedSize + 4;
            }
        }
        if (resourceRoot && !RuleTypes.HasTypeAndObjectMeta(schema))
        {
            // As upstream's WithTypeAndObjectMeta: apiVersion, kind and metadata.name/generateName, all unbounded strings.
            var text = new RuleSizes(UnboundedString, 2);
            fields["apiVersion"] = text;
            fields["kind"] = text;
            fields["metadata"] = new RuleSizes(0, 2) { Fields = new Dictionary<string, RuleSizes>(StringComparer.Ordinal) { ["name"] = text, ["generateName"] = text } };
        }
        return new RuleSizes(0, minSize) { Fields = fields };
    }


    // The byte length of the longest string among the enum values, when there are any.
    private static long? LongestEnumValue(JsonSchemaProps schema) =>
        schema.Enum is { Count: > 0 } values
            ? values.Max(v => v?.GetValueKind() == JsonValueKind.String ? Encoding.UTF8.GetByteCount(v.GetValue<string>()) : 0)
            : null;

    private static long? NonNegative(long? value) => value is { } v ? Math.Max(v, 0) : null;
}
