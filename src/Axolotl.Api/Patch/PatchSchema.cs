using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.Patch;

/// <summary>
/// Strategic-merge-patch type information derived from a CLR model, the way upstream derives it from Go struct
/// tags: which fields are lists, their merge keys and patch strategies. JSON names come from
/// <see cref="KubeJson.Options"/> so they match what the serializer writes. One instance per CLR type, cached.
/// </summary>
public sealed class PatchSchema
{
    private static readonly ConcurrentDictionary<Type, PatchSchema> Cache = new();

    private readonly Lazy<FrozenDictionary<string, PatchField>> _fields;

    private PatchSchema(Type? clrType, PatchValueKind kind, PatchSchema? element, Func<FrozenDictionary<string, PatchField>>? fields)
    {
        ClrType = clrType;
        Kind = kind;
        _element = element;
        _fields = new Lazy<FrozenDictionary<string, PatchField>>(fields ?? (() => FrozenDictionary<string, PatchField>.Empty));
    }

    private readonly PatchSchema? _element;

    /// <summary>No type information: objects merge recursively, lists are replaced.</summary>
    public static PatchSchema Unknown { get; } = new(null, PatchValueKind.Unknown, null, null);

    /// <summary>The CLR type this schema describes, or null for <see cref="Unknown"/>.</summary>
    public Type? ClrType { get; }

    public PatchValueKind Kind { get; }

    /// <summary>For a list the element schema, for a map the value schema, otherwise <see cref="Unknown"/>.</summary>
    public PatchSchema Element => _element ?? Unknown;

    /// <summary>The declared fields of an object schema (empty for other kinds).</summary>
    public IReadOnlyCollection<PatchField> Fields => _fields.Value.Values;

    public static PatchSchema For<T>() => For(typeof(T));

    public static PatchSchema For(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return Cache.GetOrAdd(type, Build);
    }

    /// <summary>
    /// The field called <paramref name="name"/> inside a value of this schema. Never null: a map yields its value
    /// schema for any key, and a name the model does not declare yields an undeclared field with no type information.
    /// </summary>
    public PatchField Field(string name)
    {
        if (Kind == PatchValueKind.Object && _fields.Value.TryGetValue(name, out var field))
        {
            return field;
        }
        if (Kind == PatchValueKind.Map)
        {
            return new PatchField(name, Element);
        }
        return new PatchField(name, Unknown) { IsDeclared = false };
    }

    /// <summary>The declared field <paramref name="name"/> of an object schema.</summary>
    public bool TryGetField(string name, out PatchField field)
    {
        if (Kind == PatchValueKind.Object && _fields.Value.TryGetValue(name, out var found))
        {
            field = found;
            return true;
        }
        field = null!;
        return false;
    }

    /// <summary>
    /// Resolves a dotted JSON path such as "spec.template.spec.containers.ports". Lists are stepped through
    /// implicitly (the segment after a list names a field of its elements), as upstream's lookups do.
    /// </summary>
    public PatchField Lookup(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Lookup(path.Split('.'));
    }

    public PatchField Lookup(IEnumerable<string> path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var schema = this;
        PatchField? field = null;
        foreach (var segment in path)
        {
            if (field is not null)
            {
                schema = field.IsList ? field.ElementSchema : field.Schema;
            }
            field = schema.Field(segment);
        }
        return field ?? throw new ArgumentException("empty path", nameof(path));
    }

    public override string ToString() => ClrType is null ? Kind.ToString() : $"{Kind} {ClrType.Name}";

    private static PatchSchema Build(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (IsOpaque(t))
        {
            return new PatchSchema(t, PatchValueKind.Unknown, null, null);
        }
        if (IsPrimitive(t))
        {
            return new PatchSchema(t, PatchValueKind.Primitive, null, null);
        }

        JsonTypeInfo info;
        try
        {
            info = KubeJson.Options.GetTypeInfo(t);
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException or ArgumentException)
        {
            return new PatchSchema(t, PatchValueKind.Unknown, null, null);
        }

        return info.Kind switch
        {
            JsonTypeInfoKind.Object => new PatchSchema(t, PatchValueKind.Object, null, () => BuildFields(t, info)),
            JsonTypeInfoKind.Enumerable => new PatchSchema(t, PatchValueKind.List, For(info.ElementType ?? typeof(JsonElement)), null),
            JsonTypeInfoKind.Dictionary => new PatchSchema(t, PatchValueKind.Map, For(info.ElementType ?? typeof(JsonElement)), null),
            // A custom converter decides the shape (Quantity, IntOrString, …): no structure to exploit.
            _ => new PatchSchema(t, PatchValueKind.Unknown, null, null),
        };
    }

    private static FrozenDictionary<string, PatchField> BuildFields(Type owner, JsonTypeInfo info)
    {
        var fields = new Dictionary<string, PatchField>(StringComparer.Ordinal);
        foreach (var property in info.Properties)
        {
            // [JsonIgnore] properties stay in the contract without accessors; extension data is not a field.
            if (property.IsExtensionData || (property.Get is null && property.Set is null))
            {
                continue;
            }
            var provider = property.AttributeProvider;
            var mergeKey = provider?.GetCustomAttributes(typeof(PatchMergeKeyAttribute), inherit: true)
                .OfType<PatchMergeKeyAttribute>().FirstOrDefault()?.Key;
            var strategy = provider?.GetCustomAttributes(typeof(PatchStrategyAttribute), inherit: true)
                .OfType<PatchStrategyAttribute>().FirstOrDefault()?.Strategy;
            var memberName = (provider as MemberInfo)?.Name ?? property.Name;
            fields[property.Name] = new PatchField(property.Name, For(property.PropertyType), ParseStrategies(strategy, owner, memberName), mergeKey);
        }
        return fields.ToFrozenDictionary(StringComparer.Ordinal);
    }

    internal static PatchStrategies ParseStrategies(string? text, Type owner, string member)
    {
        var result = PatchStrategies.None;
        if (string.IsNullOrWhiteSpace(text))
        {
            return result;
        }
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            result |= part switch
            {
                "merge" => PatchStrategies.Merge,
                "replace" => PatchStrategies.Replace,
                "retainKeys" => PatchStrategies.RetainKeys,
                _ => throw new InvalidOperationException($"unknown patch strategy \"{part}\" on {owner.Name}.{member}"),
            };
        }
        if ((result & (PatchStrategies.Merge | PatchStrategies.Replace)) == (PatchStrategies.Merge | PatchStrategies.Replace))
        {
            throw new InvalidOperationException($"unexpected patch strategy \"{text}\" on {owner.Name}.{member}");
        }
        return result;
    }

    private static bool IsOpaque(Type t) =>
        t == typeof(object) || t == typeof(JsonElement) || t == typeof(JsonDocument) || typeof(JsonNode).IsAssignableFrom(t);

    private static bool IsPrimitive(Type t) =>
        t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(DateTimeOffset) ||
        t == typeof(DateTime) || t == typeof(TimeSpan) || t == typeof(Guid) || t == typeof(byte[]) ||
        t == typeof(DateOnly) || t == typeof(TimeOnly) || t == typeof(Uri);
}
