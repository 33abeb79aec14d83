using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Api.Validation;

namespace Axolotl.ApiServer.Apiextensions.Conversion;

/// <summary>
/// What upstream's webhookConverter checks of each converted object: one per object sent, at the desired
/// apiVersion, of the same kind, name, namespace and uid. Its metadata is the original's again except
/// labels and annotations, which the webhook may change (if they stay valid). Every failure is a
/// <see cref="ConversionFailedException"/> in upstream's words, which differ for a single object and for a list.
/// </summary>
public static class ConvertedObjects
{
    public static JsonObject CheckOne(string gvk, JsonObject original, JsonArray converted, string desiredApiVersion)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(converted);
        var prefix = $"conversion webhook for {gvk}";
        if (converted.Count != 1)
        {
            throw new ConversionFailedException($"{prefix} returned {converted.Count} objects, expected 1");
        }
        var obj = Parse(converted[0]);
        var check = Identity(original, obj, desiredApiVersion);
        if (check is not null)
        {
            throw new ConversionFailedException($"{prefix} returned invalid object at index 0: {check}");
        }
        if (SameMeta(original, obj) is { } sameMeta)
        {
            throw new ConversionFailedException($"{prefix} returned invalid object: {sameMeta}");
        }
        if (RestoreMeta(original, obj) is { } meta)
        {
            throw new ConversionFailedException($"{prefix} returned invalid metadata: {meta}");
        }
        return obj;
    }

    public static List<JsonObject> CheckList(string gvk, IReadOnlyList<JsonObject> originals, JsonArray converted, string desiredApiVersion)
    {
        ArgumentNullException.ThrowIfNull(originals);
        ArgumentNullException.ThrowIfNull(converted);
        var prefix = $"conversion webhook for {gvk}";
        if (converted.Count != originals.Count)
        {
            throw new ConversionFailedException($"{prefix} returned {converted.Count} objects, expected {originals.Count}");
        }
        var result = new List<JsonObject>(originals.Count);
        for (var i = 0; i < originals.Count; i++)
        {
            JsonObject obj;
            try
            {
                obj = Parse(converted[i]);
            }
            catch (ConversionFailedException e)
            {
                throw new ConversionFailedException($"{prefix} returned invalid converted object at index {i}: {e.Message}");
            }
            // Upstream counts the object as read before its checks, so these name the next index.
            var at = i + 1;
            if ((Identity(originals[i], obj, desiredApiVersion) ?? SameMeta(originals[i], obj)) is { } check)
            {
                throw new ConversionFailedException($"{prefix} returned invalid converted object at index {at}: {check}");
            }
            if (RestoreMeta(originals[i], obj) is { } meta)
            {
                throw new ConversionFailedException($"{prefix} returned invalid metadata in object at index {at}: {meta}");
            }
            result.Add(obj);
        }
        return result;
    }

    /// <summary>An object as unstructured JSON decodes one: a JSON object with a kind.</summary>
    private static JsonObject Parse(JsonNode? node)
    {
        if (node is JsonObject obj && ConversionReview.Text(obj["kind"]).Length > 0)
        {
            return (JsonObject)obj.DeepClone();
        }
        throw new ConversionFailedException($"Object 'Kind' is missing in '{node?.ToJsonString() ?? "null"}'");
    }

    private static string? Identity(JsonObject original, JsonObject converted, string desiredApiVersion)
    {
        var apiVersion = ConversionReview.Text(converted["apiVersion"]);
        if (apiVersion != desiredApiVersion)
        {
            return $"invalid groupVersion (expected {desiredApiVersion}, received {apiVersion})";
        }
        var expected = ConversionReview.Text(original["kind"]);
        var received = ConversionReview.Text(converted["kind"]);
        return expected != received ? $"invalid kind (expected {expected}, received {received})" : null;
    }

    /// <summary>Upstream's validateConvertedObject.</summary>
    private static string? SameMeta(JsonObject original, JsonObject converted)
    {
        var kind = (ConversionReview.Text(original["kind"]), ConversionReview.Text(converted["kind"]));
        if (kind.Item1 != kind.Item2)
        {
            return $"must have the same kind: {kind.Item1} != {kind.Item2}";
        }
        foreach (var (field, word) in new[] { ("name", "name"), ("namespace", "namespace"), ("uid", "UID") })
        {
            var a = ConversionReview.Text((original["metadata"] as JsonObject)?[field]);
            var b = ConversionReview.Text((converted["metadata"] as JsonObject)?[field]);
            if (a != b)
            {
                return $"must have the same {word}: {a} != {b}";
            }
        }
        return null;
    }

    /// <summary>Upstream's restoreObjectMeta: the original's metadata, with the converted object's labels and annotations.</summary>
    private static string? RestoreMeta(JsonObject original, JsonObject converted)
    {
        if (!converted.TryGetPropertyValue("metadata", out var node))
        {
            return "missing metadata in converted object";
        }
        if (node is not JsonObject answered)
        {
            return $"invalid metadata of type {GoJson.TypeName(node)} in converted object";
        }
        var restored = original["metadata"] is JsonObject kept ? (JsonObject)kept.DeepClone() : [];
        foreach (var field in (string[])["labels", "annotations"])
        {
            var value = answered[field];
            if (value is null)
            {
                restored.Remove(field);
                continue;
            }
            if (value is not JsonObject map)
            {
                return $"invalid metadata.{field} of type {GoJson.TypeName(value)} in converted object";
            }
            var before = restored[field];
            if (before is not null and not JsonObject)
            {
                return $"invalid metadata.{field} of type {GoJson.TypeName(before)} in original object";
            }
            var strings = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, v) in map)
            {
                if (v is not JsonValue s || s.GetValueKind() != JsonValueKind.String)
                {
                    return $"metadata.{field}[{key}] must be a string, but is {GoJson.TypeName(v)} in converted object";
                }
                strings[key] = s.GetValue<string>();
            }
            var previous = before as JsonObject;
            var changed = (previous?.Count ?? 0) != strings.Count
                || strings.Any(p => ConversionReview.Text(previous?[p.Key]) != p.Value || previous?[p.Key] is null);
            if (changed)
            {
                // Upstream reports annotation errors at "metadata.annotation".
                var errors = field == "labels"
                    ? MetadataValidation.ValidateLabels(strings, FieldPath.Of("metadata").Child("labels"))
                    : MetadataValidation.ValidateAnnotations(strings, FieldPath.Of("metadata").Child("annotation"));
                if (errors.Count > 0)
                {
                    return errors.Count == 1 ? errors[0].ToString() : "[" + string.Join(", ", errors) + "]";
                }
            }
            restored[field] = map.DeepClone();
        }
        converted["metadata"] = restored;
        return null;
    }
}
