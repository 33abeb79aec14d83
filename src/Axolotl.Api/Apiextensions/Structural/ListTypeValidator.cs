using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Api.Apiextensions.Schema;
using Axolotl.Api.Meta;
using Axolotl.Api.Validation;

namespace Axolotl.Api.Apiextensions.Structural;

/// <summary>
/// The invariants of x-kubernetes-list-type, as kube-apiserver's ValidateListSetsAndMaps: a set holds no item twice, a
/// map no two items with the same keys (a missing key counts as a value of its own). Each repeated value is reported
/// once, at its second appearance, as "Duplicate value: …" in Go's syntax. On an update upstream ratchets this check
/// for the whole object: it runs only when the old object had no duplicates (<see cref="ValidateUpdate"/>).
/// </summary>
public static class ListTypeValidator
{
    public static IReadOnlyList<FieldError> Validate(JsonSchemaProps schema, JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(obj);
        var errors = new List<FieldError>();
        VisitObject(schema, obj, FieldPath.Root, errors);
        return errors;
    }

    /// <summary>The new object's duplicates, unless the old object already had some.</summary>
    public static IReadOnlyList<FieldError> ValidateUpdate(JsonSchemaProps schema, JsonObject obj, JsonObject old)
    {
        var errors = Validate(schema, obj);
        return errors.Count > 0 && Validate(schema, old).Count > 0 ? [] : errors;
    }

    private static void VisitObject(JsonSchemaProps schema, JsonObject obj, FieldPath path, List<FieldError> errors)
    {
        if (schema.AdditionalProperties is { } values)
        {
            foreach (var (name, value) in obj)
            {
                Visit(values, value, path.Key(name), errors);
            }
        }
        foreach (var (name, value) in obj)
        {
            if (schema.Properties.TryGetValue(name, out var property))
            {
                Visit(property, value, path.Child(name), errors);
            }
        }
    }

    private static void Visit(JsonSchemaProps schema, JsonNode? value, FieldPath path, List<FieldError> errors)
    {
        switch (value)
        {
            case JsonObject obj:
                VisitObject(schema, obj, path, errors);
                break;
            case JsonArray array:
                if (schema.ListType == "set")
                {
                    errors.AddRange(Repeated([.. array]).Select(i => FieldError.Duplicate(path.Index(i), Shown(array[i]))));
                }
                else if (schema.ListType == "map")
                {
                    MapList(schema.ListMapKeys, array, path, errors);
                }
                if (schema.Items is { } items)
                {
                    for (var i = 0; i < array.Count; i++)
                    {
                        Visit(items, array[i], path.Index(i), errors);
                    }
                }
                break;
            default:
                break;
        }
    }

    private static void MapList(IReadOnlyList<string> keyFields, JsonArray array, FieldPath path, List<FieldError> errors)
    {
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not (null or JsonObject))
            {
                errors.Add(FieldError.Invalid(path.Index(i), Shown(array[i]), "must be an object for an array of list-type map"));
                return;
            }
        }
        // Each item's key fields as an object; a missing field (or a null item) is simply absent from it.
        var keys = array.Select(item =>
        {
            var key = new JsonObject();
            foreach (var field in keyFields)
            {
                if (item is JsonObject entry && entry.TryGetPropertyValue(field, out var value))
                {
                    key[field] = value?.DeepClone();
                }
            }
            return (JsonNode?)key;
        }).ToList();
        errors.AddRange(Repeated(keys).Select(i => FieldError.Duplicate(path.Index(i), Shown(keys[i]))));
    }

    /// <summary>The index of each value's second appearance (a third is not reported again), as upstream's validateListSet.</summary>
    private static IEnumerable<int> Repeated(IReadOnlyList<JsonNode?> items)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            var identity = Identity(items[i]);
            seen[identity] = seen.GetValueOrDefault(identity) + 1;
            if (seen[identity] == 2)
            {
                yield return i;
            }
        }
    }

    // Scalars compare as Go's typed values (1 and 1.0 differ); objects and lists by their JSON with sorted keys, as
    // Go's json.Marshal writes them (there 1.0 is written 1).
    private static string Identity(JsonNode? node) => node switch
    {
        JsonObject or JsonArray => "c" + Canonical(node),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && !IsInteger(v) => "d" + Number(v),
        _ => "s" + (node?.ToJsonString() ?? "null"),
    };

    private static string Canonical(JsonNode? node) => node switch
    {
        JsonObject obj => "{" + string.Join(",", obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => JsonSerializer.Serialize(p.Key) + ":" + Canonical(p.Value))) + "}",
        JsonArray array => "[" + string.Join(",", array.Select(Canonical)) + "]",
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => IsInteger(v) ? v.ToJsonString() : Number(v),
        _ => node?.ToJsonString() ?? "null",
    };

    private static bool IsInteger(JsonValue v) => long.TryParse(v.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out _);

    private static string Number(JsonValue v) =>
        double.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The value as field.Error prints it: scalars bare or quoted, objects and lists in Go's %#v.</summary>
    private static object? Shown(JsonNode? node) => node switch
    {
        null => "null",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        JsonValue v when long.TryParse(v.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) => l,
        JsonValue v => double.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture),
        _ => new GoValue.GoSyntax(GoSyntax(node, new StringBuilder()).ToString()),
    };

    private static StringBuilder GoSyntax(JsonNode? node, StringBuilder text)
    {
        switch (node)
        {
            case null:
                return text.Append("interface {}(nil)");
            case JsonObject obj:
                text.Append("map[string]interface {}{");
                var first = true;
                foreach (var (name, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    text.Append(first ? "" : ", ");
                    first = false;
                    GoValue.AppendQuoted(text, name).Append(':');
                    GoSyntax(value, text);
                }
                return text.Append('}');
            case JsonArray array:
                text.Append("[]interface {}{");
                for (var i = 0; i < array.Count; i++)
                {
                    GoSyntax(array[i], text.Append(i == 0 ? "" : ", "));
                }
                return text.Append('}');
            default:
                return Shown(node) is string s ? GoValue.AppendQuoted(text, s) : text.Append(GoValue.Format(Shown(node)));
        }
    }
}
