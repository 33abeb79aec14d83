using System.Runtime.CompilerServices;
using Axolotl.Api.Apiextensions.Schema;

namespace Axolotl.ApiServer.Apiextensions.Rules;

/// <summary>
/// The compiled rules of a schema, in the schema's shape: the rules of each node and the children under which more
/// rules sit (upstream's cel.Validator). Built once per parsed schema, which the catalog replaces whenever its CRD
/// changes, so rules compile once per CRD write and never per request.
/// </summary>
internal sealed class RuleValidator
{
    private static readonly ConditionalWeakTable<JsonSchemaProps, RuleValidator> Compiled = [];

    private RuleValidator(JsonSchemaProps schema, bool resourceRoot)
    {
        Schema = schema;
        ResourceRoot = resourceRoot;
    }

    public JsonSchemaProps Schema { get; }

    /// <summary>The root of a resource or an embedded resource: metadata shows only name and generateName.</summary>
    public bool ResourceRoot { get; }

    public IReadOnlyList<CompiledRule> Rules { get; private init; } = [];

    public IReadOnlyDictionary<string, RuleValidator> Properties { get; private init; } = new Dictionary<string, RuleValidator>();

    public RuleValidator? Items { get; private init; }

    public RuleValidator? AdditionalProperties { get; private init; }

    public bool IsEmpty => Rules.Count == 0 && Properties.Count == 0 && Items is null && AdditionalProperties is null;

    /// <summary>The rules of a custom resource's root schema, compiled on first use and kept as long as the schema is.</summary>
    public static RuleValidator For(JsonSchemaProps root) => Compiled.GetValue(root, r => Build(r, resourceRoot: true) ?? new RuleValidator(r, true));

    /// <summary>The rules at and under one node (a schema's default is checked against them), or null when there are none. Not cached.</summary>
    public static RuleValidator? ForNode(JsonSchemaProps node, bool resourceRoot) => Build(node, resourceRoot);

    private static RuleValidator? Build(JsonSchemaProps schema, bool resourceRoot)
    {
        var properties = new Dictionary<string, RuleValidator>(StringComparer.Ordinal);
        foreach (var (name, property) in schema.Properties)
        {
            if (Build(property, property.EmbeddedResource) is { } child)
            {
                properties[name] = child;
            }
        }
        var validator = new RuleValidator(schema, resourceRoot)
        {
            Rules = RuleCompiler.Compile(schema, resourceRoot, stored: true),
            Properties = properties,
            Items = schema.Items is { } items ? Build(items, items.EmbeddedResource) : null,
            AdditionalProperties = schema.AdditionalProperties is { } values ? Build(values, values.EmbeddedResource) : null,
        };
        return validator.IsEmpty ? null : validator;
    }
}
