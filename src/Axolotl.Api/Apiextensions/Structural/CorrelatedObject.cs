using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Api.Apiextensions.Schema;

namespace Axolotl.Api.Apiextensions.Structural;

/// <summary>
/// A value of an update beside the old value it corresponds to, as kube-apiserver's CorrelatedObject: validation
/// ratcheting (CRDValidationRatcheting, on by default since 1.30) lets an error through when the value it concerns is
/// unchanged. A property correlates when old and new both have it and the schema declares it (or additionalProperties
/// gives it a schema); an item only in a list of type map, by its keys. Items of other lists have no old self: their
/// list is compared as a whole. One tree per update, shared by the schema and the CEL validation, so each comparison
/// is made once. Null (no correlation) is never unchanged: use <see cref="IsUnchanged(CorrelatedObject?)"/>.
/// </summary>
public sealed class CorrelatedObject
{
    private readonly Stopwatch _clock;
    private Dictionary<string, CorrelatedObject?>? _keys;
    private Dictionary<int, CorrelatedObject?>? _indexes;
    private Dictionary<string, JsonNode>? _oldItemsByKey;
    private bool? _unchanged;

    public CorrelatedObject(JsonNode? value, JsonNode? old, JsonSchemaProps schema)
        : this(value, old, schema, new Stopwatch())
    {
    }

    private CorrelatedObject(JsonNode? value, JsonNode? old, JsonSchemaProps schema, Stopwatch clock)
    {
        ArgumentNullException.ThrowIfNull(schema);
        Value = value;
        Old = old;
        Schema = schema;
        _clock = clock;
    }

    /// <summary>
    /// Time the whole tree spent correlating and comparing, for upstream's
    /// apiextensions_apiserver_validation_ratcheting_seconds (a monotonic stopwatch; nested calls count once).
    /// </summary>
    public TimeSpan Duration => _clock.Elapsed;

    public JsonNode? Value { get; }

    public JsonNode? Old { get; }

    public JsonSchemaProps Schema { get; }

    /// <summary>Whether errors at <paramref name="node"/> are ratcheted: only a correlated value can be unchanged.</summary>
    public static bool IsUnchanged(CorrelatedObject? node)
    {
        if (node is null)
        {
            return false;
        }
        var started = node.StartClock();
        try
        {
            return node.Unchanged();
        }
        finally
        {
            node.StopClock(started);
        }
    }

    /// <summary>The property <paramref name="name"/>, or null when it has no old value or no schema.</summary>
    public CorrelatedObject? Key(string name)
    {
        var started = StartClock();
        try
        {
            return FindKey(name);
        }
        finally
        {
            StopClock(started);
        }
    }

    private CorrelatedObject? FindKey(string name)
    {
        _keys ??= new Dictionary<string, CorrelatedObject?>(StringComparer.Ordinal);
        if (_keys.TryGetValue(name, out var known))
        {
            return known;
        }
        CorrelatedObject? child = null;
        if (Value is JsonObject value && Old is JsonObject old
            && value.TryGetPropertyValue(name, out var newChild) && old.TryGetPropertyValue(name, out var oldChild)
            && (Schema.Properties.GetValueOrDefault(name) ?? Schema.AdditionalProperties) is { } schema)
        {
            child = new CorrelatedObject(newChild, oldChild, schema, _clock);
        }
        _keys[name] = child;
        return child;
    }

    /// <summary>The item at <paramref name="index"/>, or null unless the list is of type map and the old list has its key.</summary>
    public CorrelatedObject? Index(int index)
    {
        var started = StartClock();
        try
        {
            return FindIndex(index);
        }
        finally
        {
            StopClock(started);
        }
    }

    private CorrelatedObject? FindIndex(int index)
    {
        _indexes ??= [];
        if (_indexes.TryGetValue(index, out var known))
        {
            return known;
        }
        CorrelatedObject? child = null;
        if (Value is JsonArray value && index < value.Count && Old is JsonArray old && Schema.ListType == "map"
            && OldItem(value[index], old) is { } oldItem && Schema.Items is { } items)
        {
            child = new CorrelatedObject(value[index], oldItem, items, _clock);
        }
        _indexes[index] = child;
        return child;
    }

    private bool Unchanged() => _unchanged ??= Compare();

    // The outermost call runs the shared stopwatch; the calls it makes find it running and leave it be.
    private bool StartClock()
    {
        if (_clock.IsRunning)
        {
            return false;
        }
        _clock.Start();
        return true;
    }

    private void StopClock(bool started)
    {
        if (started)
        {
            _clock.Stop();
        }
    }

    private bool Compare()
    {
        switch (Value, Old)
        {
            case (null, null):
                return true;
            case (JsonArray value, JsonArray old):
                if (value.Count != old.Count)
                {
                    return false;
                }
                for (var i = 0; i < value.Count; i++)
                {
                    if (FindIndex(i) is not { } item)
                    {
                        // A list that correlates by key but lost a key changed; any other list is compared as a unit.
                        return Schema.ListType != "map" && DeepEquals(value, old);
                    }
                    if (!item.Unchanged())
                    {
                        return false;
                    }
                }
                return true;
            case (JsonObject value, JsonObject old):
                if (value.Count != old.Count)
                {
                    return false;
                }
                foreach (var (name, _) in value)
                {
                    if (FindKey(name) is not { } property || !property.Unchanged())
                    {
                        return false;
                    }
                }
                return true;
            case (JsonValue value, JsonValue old):
                return ScalarEquals(value, old);
            default:
                return false;
        }
    }

    private JsonNode? OldItem(JsonNode? item, JsonArray old)
    {
        if (item is not JsonObject entry || ListMapKey(entry, Schema.ListMapKeys) is not { } key)
        {
            return null;
        }
        if (_oldItemsByKey is null)
        {
            _oldItemsByKey = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
            foreach (var oldEntry in old.OfType<JsonObject>())
            {
                if (ListMapKey(oldEntry, Schema.ListMapKeys) is { } oldKey)
                {
                    _oldItemsByKey.TryAdd(oldKey, oldEntry);
                }
            }
        }
        return _oldItemsByKey.GetValueOrDefault(key);
    }

    /// <summary>
    /// An item's key in a list of type map: its key fields' values, each a string, boolean or number (integers and
    /// fractions kept apart, as Go's int64 and float64 are). Null when a key is missing or not a scalar.
    /// </summary>
    public static string? ListMapKey(JsonObject item, IReadOnlyList<string> keys)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return null;
        }
        var parts = new string[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            if (item[keys[i]] is not JsonValue value || Scalar(value) is not { } part)
            {
                return null;
            }
            parts[i] = part;
        }
        return string.Join('\u0000', parts);
    }

    /// <summary>Equality as Go's reflect.DeepEqual on decoded JSON: 1 and 1.0 differ (int64 and float64).</summary>
    public static bool DeepEquals(JsonNode? a, JsonNode? b) => (a, b) switch
    {
        (null, null) => true,
        (JsonArray x, JsonArray y) => x.Count == y.Count && x.Select((item, i) => DeepEquals(item, y[i])).All(same => same),
        (JsonObject x, JsonObject y) => x.Count == y.Count
            && x.All(p => y.TryGetPropertyValue(p.Key, out var other) && DeepEquals(p.Value, other)),
        (JsonValue x, JsonValue y) => ScalarEquals(x, y),
        _ => false,
    };

    private static bool ScalarEquals(JsonValue a, JsonValue b) => Scalar(a) is { } x && x == Scalar(b);

    // A scalar tagged with its Go type, so that values of different types never compare equal.
    private static string? Scalar(JsonValue value) => value.GetValueKind() switch
    {
        JsonValueKind.String => "s" + value.GetValue<string>(),
        JsonValueKind.True => "t",
        JsonValueKind.False => "f",
        JsonValueKind.Number when value.ToJsonString() is var text => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var integer)
            ? "i" + integer.ToString(CultureInfo.InvariantCulture)
            : "d" + double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture),
        _ => null,
    };
}
