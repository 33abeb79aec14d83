using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Text.Json.Nodes;
using Axolotl.Api.Patch;

namespace Axolotl.Api.ManagedFields;

/// <summary>
/// The structured-merge view of a value's type, derived from the same CLR model metadata strategic merge patch
/// uses: merge keys become associative lists, merge-strategy scalar lists become sets, other lists are atomic.
/// A few types and lists where upstream's OpenAPI says more than the patch tags (atomic structs, lists keyed by
/// two fields) are listed here, as upstream's +structType / +listMapKey markers do.
/// </summary>
public readonly record struct FieldType(PatchSchema Schema, FieldShape Shape, IReadOnlyList<string> Keys)
{
    private static readonly FrozenSet<string> AtomicStructs = FrozenSet.Create(StringComparer.Ordinal,
        "LabelSelector", "LocalObjectReference", "ConfigMapKeySelector", "SecretKeySelector", "ObjectFieldSelector",
        "ResourceFieldSelector", "NodeSelector", "NodeSelectorTerm", "ObjectReference", "OwnerReference",
        "TypedLocalObjectReference", "TypedObjectReference", "SecretReference", "TopologySelectorTerm");

    private static readonly FrozenDictionary<string, string[]> ListMapKeys = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["Container.ports"] = ["containerPort", "protocol"],
        ["EphemeralContainer.ports"] = ["containerPort", "protocol"],
        ["ServiceSpec.ports"] = ["port", "protocol"],
        ["PodSpec.topologySpreadConstraints"] = ["topologyKey", "whenUnsatisfiable"],
    }.ToFrozenDictionary(StringComparer.Ordinal);

    // Granular lists whose Go field has no omitempty (the core API's only one: a pod's containers).
    private static readonly FrozenSet<string> AlwaysWrittenLists = FrozenSet.Create(StringComparer.Ordinal, "PodSpec.containers");

    /// <summary>Key fields the schema defaults, so an item may leave them out (upstream: +default on a map key).</summary>
    private static readonly FrozenDictionary<string, string> KeyDefaults = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["protocol"] = "TCP",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static FieldType Untyped { get; } = new(PatchSchema.Unknown, FieldShape.Untyped, []);

    public static FieldType ForObject(Type? clrType) =>
        clrType is null ? Untyped : Of(PatchSchema.For(clrType), field: null, parent: null);

    /// <summary>The type of a struct field or map value named <paramref name="name"/>.</summary>
    public FieldType Child(string name)
    {
        switch (Shape)
        {
            case FieldShape.Struct when Schema.TryGetField(name, out var field):
                return Of(field.Schema, field, Schema.ClrType);
            case FieldShape.Map:
                return Of(Schema.Element, field: null, parent: null);
            default:
                return Untyped;
        }
    }

    /// <summary>True for a field the struct declares (upstream only makes those members when pruning).</summary>
    public bool DeclaresField(string name) => Shape == FieldShape.Struct && Schema.TryGetField(name, out _);

    /// <summary>
    /// True for the structs Go embeds by value (metadata, spec, status, templates, strategies, resources): an
    /// object always has them, empty at worst, so they are never added or removed as such, only their fields.
    /// </summary>
    public bool IsValueStruct => Shape == FieldShape.Struct && Schema.ClrType is { Name: var name } &&
        (name.EndsWith("Spec", StringComparison.Ordinal) || name.EndsWith("Status", StringComparison.Ordinal) ||
         (name.EndsWith("Strategy", StringComparison.Ordinal) && !name.StartsWith("RollingUpdate", StringComparison.Ordinal)) ||
         name is "ObjectMeta" or "ResourceRequirements");

    /// <summary>
    /// True for a granular list Go's encoder writes even when empty (no omitempty: a pod's containers), so an
    /// object whose struct has it never adds or removes the list itself, only its items.
    /// </summary>
    public bool AlwaysWritten { get; private init; }

    /// <summary>The struct's fields Go writes even when empty (<see cref="IsValueStruct"/>, <see cref="AlwaysWritten"/>).</summary>
    public IReadOnlyList<string> FieldsAlwaysWritten => Shape == FieldShape.Struct
        ? AlwaysWrittenFields.GetOrAdd(Schema, static (schema, self) => self.FindAlwaysWritten(), this)
        : [];

    private static readonly ConcurrentDictionary<PatchSchema, string[]> AlwaysWrittenFields = new();

    private string[] FindAlwaysWritten()
    {
        var result = new List<string>();
        foreach (var field in Schema.Fields)
        {
            var child = Child(field.Name);
            if (child.IsValueStruct || child.AlwaysWritten)
            {
                result.Add(field.Name);
            }
        }
        return [.. result];
    }

    /// <summary>The type of a list's items.</summary>
    public FieldType Element => Shape is FieldShape.Set or FieldShape.AssociativeList ? Of(Schema.Element, null, null) : Untyped;

    /// <summary>
    /// The path element of an associative-list item, or null when the item lacks a key field that has no default.
    /// </summary>
    public PathElement? KeyOf(JsonNode? item)
    {
        if (item is not JsonObject obj)
        {
            return null;
        }
        var fields = new List<KeyValuePair<string, JsonNode?>>(Keys.Count);
        foreach (var key in Keys)
        {
            if (obj[key] is { } value)
            {
                fields.Add(new(key, value));
            }
            else if (KeyDefaults.TryGetValue(key, out var fallback))
            {
                fields.Add(new(key, JsonValue.Create(fallback)));
            }
            else
            {
                return null;
            }
        }
        return PathElement.Key(fields);
    }

    private static FieldType Of(PatchSchema schema, PatchField? field, Type? parent)
    {
        switch (schema.Kind)
        {
            case PatchValueKind.Primitive:
                return new(schema, FieldShape.Scalar, []);
            case PatchValueKind.Object:
                return new(schema, schema.ClrType is { } t && AtomicStructs.Contains(t.Name) ? FieldShape.Atomic : FieldShape.Struct, []);
            case PatchValueKind.Map:
                return new(schema, FieldShape.Map, []);
            case PatchValueKind.List:
                if (field is not null && parent is not null && ListMapKeys.TryGetValue(parent.Name + "." + field.Name, out var keys))
                {
                    return new(schema, FieldShape.AssociativeList, keys);
                }
                if (field is { HasMergeStrategy: true, MergeKey: { } mergeKey })
                {
                    return new(schema, FieldShape.AssociativeList, [mergeKey])
                    {
                        AlwaysWritten = parent is not null && AlwaysWrittenLists.Contains(parent.Name + "." + field.Name),
                    };
                }
                if (field is { HasMergeStrategy: true } && schema.Element.Kind == PatchValueKind.Primitive)
                {
                    return new(schema, FieldShape.Set, []);
                }
                return new(schema, FieldShape.Atomic, []);
            default:
                return Untyped;
        }
    }
}
