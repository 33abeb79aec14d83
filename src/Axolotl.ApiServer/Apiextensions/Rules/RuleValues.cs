using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Api.Apiextensions.Schema;
using Axolotl.Cel;
using Axolotl.Cel.Values;

namespace Axolotl.ApiServer.Apiextensions.Rules;

/// <summary>
/// A custom resource's JSON as the CEL values a rule sees, typed by the schema as upstream's UnstructuredToVal does:
/// a <c>number</c> is a double even when written as 1, an <c>integer</c> an int; an object with properties exposes only
/// its declared properties; the root of a resource (and an embedded resource) shows apiVersion, kind and, of its
/// metadata, only name and generateName; a string with format byte, duration, date or date-time is bytes, a duration or
/// a timestamp. Where the schema says nothing (x-kubernetes-preserve-unknown-fields) the
/// JSON is converted as it is.
/// </summary>
internal static class RuleValues
{
    public static object From(JsonNode? node, JsonSchemaProps schema, bool resourceRoot) => node switch
    {
        null => CelNull.Value,
        JsonObject o => Object(o, schema, resourceRoot || schema.EmbeddedResource),
        JsonArray a when schema.Items is { } items => a.Select(x => From(x, items, items.EmbeddedResource)).ToList(),
        JsonValue v => Scalar(v, schema),
        _ => JsonValues.FromNode(node),
    };

    private static object Object(JsonObject obj, JsonSchemaProps schema, bool resource)
    {
        if (schema.Properties.Count == 0 && schema.AdditionalProperties is null && !resource)
        {
            return JsonValues.FromNode(obj);
        }
        var map = new CelMap();
        if (resource)
        {
            AddString(map, obj, "apiVersion");
            AddString(map, obj, "kind");
            if (obj["metadata"] is JsonObject metadata)
            {
                var meta = new CelMap();
                AddString(meta, metadata, "name");
                AddString(meta, metadata, "generateName");
                map.TryAdd("metadata", meta);
            }
        }
        foreach (var (name, value) in obj)
        {
            if (resource && name is "apiVersion" or "kind" or "metadata")
            {
                continue;
            }
            if (schema.Properties.TryGetValue(name, out var property))
            {
                map.TryAdd(name, From(value, property, property.EmbeddedResource));
            }
            else if (schema.AdditionalProperties is { } values)
            {
                map.TryAdd(name, From(value, values, values.EmbeddedResource));
            }
            else if (schema.PreserveUnknownFields && schema.Properties.Count == 0)
            {
                map.TryAdd(name, JsonValues.FromNode(value));
            }
        }
        return map;
    }

    private static void AddString(CelMap map, JsonObject obj, string name)
    {
        if (obj[name] is JsonValue v && v.TryGetValue(out string? s))
        {
            map.TryAdd(name, s);
        }
    }

    private static object Scalar(JsonValue value, JsonSchemaProps schema)
    {
        if (value.GetValueKind() == JsonValueKind.String && schema.Type == "string" && !schema.IntOrString)
        {
            // format byte, duration, date and date-time are bytes, durations and timestamps, as RuleTypes declares them.
            return JsonValues.FromFormattedString(value.GetValue<string>(), schema.Format);
        }
        if (value.GetValueKind() != JsonValueKind.Number)
        {
            return JsonValues.FromNode(value);
        }
        var raw = value.ToJsonString();
        return schema.Type switch
        {
            "number" => double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture),
            "integer" when long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) => l,
            _ => JsonValues.FromNode(value),
        };
    }
}
