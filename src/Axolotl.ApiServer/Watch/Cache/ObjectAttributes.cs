using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.Api.Selectors;
using Axolotl.ApiServer.Registry;

namespace Axolotl.ApiServer.Watch.Cache;

/// <summary>
/// What a watch filter reads of an object (its labels and every field label its kind supports), taken once
/// when the cache takes the event in, so that no watcher decodes the object to filter it (upstream's
/// cacher keeps the same per event: its attrs and the previous object's).
/// </summary>
internal sealed class ObjectAttributes
{
    private readonly Dictionary<string, string>? _labels;
    private readonly Dictionary<string, string> _fields;

    private ObjectAttributes(Dictionary<string, string>? labels, Dictionary<string, string> fields)
    {
        _labels = labels;
        _fields = fields;
    }

    public static ObjectAttributes Of(ResourceType type, JsonObject obj, WatchCacheViews views)
    {
        var meta = ObjectMetaRules.Meta(obj);
        var labels = (meta["labels"] as JsonObject)?.ToDictionary(p => p.Key, p => p.Value?.GetValue<string>() ?? "", StringComparer.Ordinal);
        var fields = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["metadata.name"] = ObjectMetaRules.Str(meta, "name") ?? "",
            ["metadata.namespace"] = ObjectMetaRules.Str(meta, "namespace") ?? "",
        };
        foreach (var field in views.FieldLabelsOf(type))
        {
            fields[field] = views.FieldValue(obj, field) ?? "";
        }
        return new ObjectAttributes(labels, fields);
    }

    public bool Matches(ParsedLabelSelector labels, FieldSelector fields) =>
        (labels.IsEmpty || labels.Matches(_labels))
        && (fields.IsEmpty || fields.Matches(field => _fields.GetValueOrDefault(field, "")));
}
