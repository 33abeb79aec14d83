using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Api.Selectors;
using Axolotl.ApiServer.Registry;

namespace Axolotl.ApiServer.Watch.Cache;

/// <summary>
/// What a watch filter reads of an object (its labels and every field label its kind supports), taken once
/// when the cache takes the event in, so that no watcher decodes the object to filter it (upstream's
/// cacher keeps the same per event: its attrs and the previous object's).
/// The ring keeps one per event, so they are kept small: the field values sit in an array beside the kind's
/// shared list of field names, and a change that leaves labels or values as they were shares the previous
/// attributes' dictionary and strings (a pod's status writes change one or two fields, not its labels), or
/// the previous attributes whole when nothing a filter reads changed.
/// </summary>
internal sealed class ObjectAttributes
{
    private readonly Dictionary<string, string>? _labels;
    private readonly FieldNames _names;
    private readonly string[] _values;

    private ObjectAttributes(Dictionary<string, string>? labels, FieldNames names, string[] values)
    {
        _labels = labels;
        _names = names;
        _values = values;
    }

    /// <param name="previous">The same object's attributes before this change, whose parts are shared where equal.</param>
    public static ObjectAttributes Of(FieldNames names, JsonObject obj, WatchCacheViews views, ObjectAttributes? previous = null)
    {
        if (previous is not null && !ReferenceEquals(previous._names, names))
        {
            previous = null;
        }
        var meta = ObjectMetaRules.Meta(obj);
        var values = new string[names.Count];
        var same = previous is not null;
        for (var i = 0; i < values.Length; i++)
        {
            var value = i switch
            {
                0 => ObjectMetaRules.Str(meta, "name"),
                1 => ObjectMetaRules.Str(meta, "namespace"),
                _ => views.FieldValue(obj, names[i]),
            } ?? "";
            if (previous is not null && string.Equals(previous._values[i], value, StringComparison.Ordinal))
            {
                value = previous._values[i];
            }
            else
            {
                same = false;
            }
            values[i] = value;
        }
        var labelsObject = meta["labels"] as JsonObject;
        var labels = previous is not null && SameLabels(labelsObject, previous._labels)
            ? previous._labels
            : labelsObject?.ToDictionary(p => p.Key, p => Label(p.Value), StringComparer.Ordinal);
        return same && ReferenceEquals(labels, previous!._labels) ? previous : new ObjectAttributes(labels, names, values);
    }

    public bool Matches(ParsedLabelSelector labels, FieldSelector fields) =>
        (labels.IsEmpty || labels.Matches(_labels))
        && (fields.IsEmpty || fields.Matches(Field));

    /// <summary>The value of the field label at <paramref name="index"/> of the kind's <see cref="FieldNames"/> ("" when unset).</summary>
    public string ValueAt(int index) => _values[index];

    private string Field(string name)
    {
        var i = _names.IndexOf(name);
        return i < 0 ? "" : _values[i];
    }

    private static string Label(JsonNode? value) => value?.GetValue<string>() ?? "";

    private static bool SameLabels(JsonObject? labels, Dictionary<string, string>? previous)
    {
        if (labels is null || previous is null)
        {
            return labels is null && previous is null;
        }
        if (labels.Count != previous.Count)
        {
            return false;
        }
        foreach (var (key, value) in labels)
        {
            if (value is not JsonValue v || v.GetValueKind() != JsonValueKind.String
                || !previous.TryGetValue(key, out var was) || !string.Equals(was, v.GetValue<string>(), StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }
}
