using System.Collections;
using System.ComponentModel;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Axolotl.Api.Meta;
using Axolotl.Api.Serialization;

namespace Axolotl.ApiServer.OpenApi;

/// <summary>
/// Reflects CLR model types into OpenAPI v3 component schemas, seeing each type as the wire serializer does
/// (KubeJson's names, converters, ignored and extension-data members). One registry builds the components of one
/// document, so a document holds exactly the schemas reachable from its kinds.
/// </summary>
internal sealed class SchemaRegistry
{
    private readonly SortedDictionary<string, JsonObject> _schemas = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, string> _names = [];

    public IReadOnlyDictionary<string, JsonObject> Schemas => _schemas;

    public bool Contains(string name) => _schemas.ContainsKey(name);

    /// <summary>Ensures the component for an object type exists and returns its name.</summary>
    public string Register(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (_names.TryGetValue(type, out var existing))
        {
            return existing;
        }

        var name = UniqueName(type);
        _names[type] = name;
        var schema = new JsonObject();
        // Reserve the name before walking properties so self-referencing types terminate.
        _schemas[name] = schema;

        switch (name)
        {
            case SchemaNames.Quantity:
                Replace(name, WellKnownSchemas.Quantity(DescriptionOf(type)));
                return name;
            case SchemaNames.IntOrString:
                Replace(name, WellKnownSchemas.IntOrString(DescriptionOf(type)));
                return name;
        }

        var info = KubeJson.Options.GetTypeInfo(type);
        if (info.Kind != JsonTypeInfoKind.Object)
        {
            // A type with its own converter: we cannot know its wire shape, so accept anything.
            schema["description"] = DescriptionOf(type);
            schema["x-kubernetes-preserve-unknown-fields"] = true;
            return name;
        }

        var description = DescriptionOf(type);
        if (description is not null)
        {
            schema["description"] = description;
        }
        schema["type"] = "object";

        var properties = new JsonObject();
        var required = new List<string>();
        foreach (var property in info.Properties.Where(OnTheWire).OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            properties[property.Name] = PropertySchema(type, property);
            if (property.IsRequired)
            {
                required.Add(property.Name);
            }
        }
        schema["properties"] = properties;

        foreach (var field in UpstreamRequired.For(name))
        {
            if (properties.ContainsKey(field) && !required.Contains(field))
            {
                required.Add(field);
            }
        }
        if (required.Count > 0)
        {
            schema["required"] = new JsonArray([.. required.Select(r => (JsonNode)r)]);
        }
        return name;
    }

    /// <summary>Declares that a component is the schema of a served kind (what kubectl explain looks for).</summary>
    public void AddGroupVersionKind(string name, string group, string version, string kind)
    {
        var schema = _schemas[name];
        if (schema["x-kubernetes-group-version-kind"] is not JsonArray gvks)
        {
            gvks = [];
            schema["x-kubernetes-group-version-kind"] = gvks;
        }
        if (!gvks.Any(g => g?["group"]?.GetValue<string>() == group && g["version"]?.GetValue<string>() == version && g["kind"]?.GetValue<string>() == kind))
        {
            gvks.Add(new JsonObject { ["group"] = group, ["kind"] = kind, ["version"] = version });
        }
    }

    /// <summary>Adds a component that no CLR type stands behind (the XList kinds).</summary>
    public void AddSynthetic(string name, JsonObject schema) => _schemas.TryAdd(name, schema);

    /// <summary>
    /// Fills in standard descriptions for apiVersion, kind, metadata, spec and status of a kind's schema when
    /// the model leaves them undescribed (they live on a shared base class that cannot know the kind).
    /// </summary>
    public void DescribeKindFields(string name, string kind)
    {
        if (_schemas[name]["properties"] is not JsonObject properties)
        {
            return;
        }
        Describe(properties, "apiVersion", WellKnownSchemas.ApiVersionDescription);
        Describe(properties, "kind", WellKnownSchemas.KindDescription);
        Describe(properties, "metadata", WellKnownSchemas.MetadataDescription);
        Describe(properties, "spec", WellKnownSchemas.SpecDescription(kind));
        Describe(properties, "status", WellKnownSchemas.StatusDescription(kind));
    }

    /// <summary>The schema of a value of <paramref name="type"/>: inline for scalars, arrays and maps, a $ref otherwise.</summary>
    public JsonObject ValueSchema(Type type, JsonPropertyInfo? property = null)
    {
        var nullable = Nullable.GetUnderlyingType(type);
        type = nullable ?? type;

        if (type == typeof(DateTimeOffset) || type == typeof(DateTime))
        {
            var micro = property?.CustomConverter is KubeMicroTimeConverter ||
                (property?.AttributeProvider as MemberInfo)?.GetCustomAttribute<JsonConverterAttribute>()?.ConverterType == typeof(KubeMicroTimeConverter);
            return Ref(micro ? SchemaNames.MicroTime : SchemaNames.Time, micro ? WellKnownSchemas.MicroTime : WellKnownSchemas.Time);
        }
        if (Scalar(type) is { } scalar)
        {
            return scalar;
        }
        if (type.IsEnum)
        {
            return new JsonObject
            {
                ["type"] = "string",
                ["enum"] = new JsonArray([.. Enum.GetNames(type).Select(n => (JsonNode)n)]),
            };
        }
        if (type == typeof(JsonElement) || typeof(JsonNode).IsAssignableFrom(type) || type == typeof(object))
        {
            return new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true };
        }
        if (type.Name is "Quantity" or "IntOrString")
        {
            return new JsonObject { ["$ref"] = SchemaNames.Prefix + Register(type) };
        }

        var info = KubeJson.Options.GetTypeInfo(type);
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Enumerable when info.ElementType is { } element:
                return new JsonObject { ["type"] = "array", ["items"] = Wrap(ValueSchema(element)) };
            case JsonTypeInfoKind.Dictionary when info.ElementType is { } value:
                return new JsonObject { ["type"] = "object", ["additionalProperties"] = Wrap(ValueSchema(value)) };
            case JsonTypeInfoKind.Enumerable or JsonTypeInfoKind.Dictionary:
                return new JsonObject { ["type"] = typeof(IDictionary).IsAssignableFrom(type) ? "object" : "array" };
            default:
                return new JsonObject { ["$ref"] = SchemaNames.Prefix + Register(type) };
        }
    }

    private JsonObject PropertySchema(Type declaringType, JsonPropertyInfo property)
    {
        var member = property.AttributeProvider as MemberInfo;
        JsonObject schema;
        var valueType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        if (valueType == typeof(JsonElement) && property.Name == "managedFields" && declaringType == typeof(ObjectMeta))
        {
            // Kept as raw JSON by the model; on the wire it is a list of ManagedFieldsEntry objects.
            schema = new JsonObject
            {
                ["type"] = "array",
                ["items"] = new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true },
            };
        }
        else
        {
            schema = Wrap(ValueSchema(property.PropertyType, property));
        }

        var description = member?.GetCustomAttribute<DescriptionAttribute>()?.Description;
        var kindField = typeof(KubeObject).IsAssignableFrom(declaringType) && property.Name is "metadata" or "spec" or "status";
        if (description is null && schema["allOf"] is not null && !kindField)
        {
            // An undescribed field of an object type reads best with that type's own description; a kind's
            // metadata, spec and status get the standard wording instead (DescribeKindFields).
            description = DescriptionOf(valueType);
        }
        if (!string.IsNullOrEmpty(description))
        {
            schema["description"] = description;
        }
        if (member?.GetCustomAttribute<PatchMergeKeyAttribute>() is { } mergeKey)
        {
            schema["x-kubernetes-patch-merge-key"] = mergeKey.Key;
        }
        if (member?.GetCustomAttribute<PatchStrategyAttribute>() is { } strategy)
        {
            schema["x-kubernetes-patch-strategy"] = strategy.Strategy;
        }
        return schema;
    }

    /// <summary>Extension data and members the serializer never writes are no schema properties.</summary>
    private static bool OnTheWire(JsonPropertyInfo property) =>
        !property.IsExtensionData && property.Get is not null &&
        (property.AttributeProvider as MemberInfo)?.GetCustomAttribute<JsonIgnoreAttribute>() is not { Condition: JsonIgnoreCondition.Always };

    /// <summary>Upstream v3 refers to components through a one-element allOf so that siblings such as description stay legal.</summary>
    private static JsonObject Wrap(JsonObject schema) =>
        schema["$ref"] is not null ? new JsonObject { ["allOf"] = new JsonArray(schema) } : schema;

    private JsonObject Ref(string name, Func<JsonObject> create)
    {
        if (!_schemas.ContainsKey(name))
        {
            _schemas[name] = create();
        }
        return new JsonObject { ["$ref"] = SchemaNames.Prefix + name };
    }

    private void Replace(string name, JsonObject schema) => _schemas[name] = schema;

    private string UniqueName(Type type)
    {
        var name = SchemaNames.For(type);
        var candidate = name;
        for (var i = 2; _schemas.ContainsKey(candidate); i++)
        {
            // Two CLR types claiming one upstream name: keep both, distinguishable, rather than merge them.
            candidate = name + "_" + i;
        }
        return candidate;
    }

    private static JsonObject? Scalar(Type type)
    {
        if (type == typeof(string) || type == typeof(char) || type == typeof(Guid) || type == typeof(Uri) || type == typeof(TimeSpan))
        {
            return new JsonObject { ["type"] = "string" };
        }
        if (type == typeof(bool))
        {
            return new JsonObject { ["type"] = "boolean" };
        }
        if (type == typeof(int) || type == typeof(short) || type == typeof(sbyte) || type == typeof(byte) || type == typeof(ushort))
        {
            return new JsonObject { ["type"] = "integer", ["format"] = "int32" };
        }
        if (type == typeof(long) || type == typeof(uint) || type == typeof(ulong))
        {
            return new JsonObject { ["type"] = "integer", ["format"] = "int64" };
        }
        if (type == typeof(double) || type == typeof(decimal))
        {
            return new JsonObject { ["type"] = "number", ["format"] = "double" };
        }
        if (type == typeof(float))
        {
            return new JsonObject { ["type"] = "number", ["format"] = "float" };
        }
        if (type == typeof(byte[]))
        {
            return new JsonObject { ["type"] = "string", ["format"] = "byte" };
        }
        return null;
    }

    private static void Describe(JsonObject properties, string field, string description)
    {
        if (properties[field] is JsonObject property && property["description"] is null)
        {
            property["description"] = description;
        }
    }

    private static string? DescriptionOf(Type type) => type.GetCustomAttribute<DescriptionAttribute>()?.Description;
}
