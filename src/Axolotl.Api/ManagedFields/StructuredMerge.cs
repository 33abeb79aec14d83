using System.Text.Json.Nodes;

namespace Axolotl.Api.ManagedFields;

/// <summary>
/// The structured-merge operations server-side apply is built from: the set of fields an object sets, the
/// difference between two objects, merging an applied configuration into a live object, and removing fields.
/// Lists and maps follow <see cref="FieldType"/>: associative lists and sets are matched item by item,
/// atomic values as a whole.
/// </summary>
public static class StructuredMerge
{
    /// <summary>
    /// The fields <paramref name="value"/> sets. With <paramref name="strict"/> (an applied configuration) a list
    /// item without its key or a duplicate item is an error; otherwise such a list is owned as a whole.
    /// </summary>
    public static FieldSet ToFieldSet(JsonNode? value, FieldType type, bool strict)
    {
        var set = new FieldSet();
        Collect(value, type, [], set, strict);
        return set;
    }

    /// <param name="topLevel">
    /// Which of the object's own fields to compare (null: all). A write whose field sets are filtered down to some
    /// top-level fields (a status write keeps only status) need not walk the rest.
    /// </param>
    public static Comparison Compare(JsonNode? lhs, JsonNode? rhs, FieldType type, Func<string, bool>? topLevel = null)
    {
        var comparison = new Comparison();
        Diff(true, lhs, true, rhs, type, [], comparison, topLevel);
        return comparison;
    }

    /// <summary>Merges <paramref name="rhs"/> (an applied configuration) into <paramref name="lhs"/>; rhs wins on leaves.</summary>
    public static JsonNode? Merge(JsonNode? lhs, JsonNode? rhs, FieldType type) => Merge(true, lhs, true, rhs, type, []);

    /// <summary>A copy of <paramref name="value"/> without the items <paramref name="toRemove"/> names.</summary>
    public static JsonNode? RemoveItems(JsonNode? value, FieldSet toRemove, FieldType type)
    {
        ArgumentNullException.ThrowIfNull(toRemove);
        if (toRemove.IsEmpty)
        {
            return value?.DeepClone();
        }
        switch (Effective(type, value))
        {
            case FieldShape.Struct or FieldShape.Map:
                var result = new JsonObject();
                foreach (var (key, child) in (JsonObject)value!)
                {
                    var pe = PathElement.Field(key);
                    if (toRemove.HasMember(pe))
                    {
                        continue;
                    }
                    result[key] = toRemove.Child(pe) is { } sub ? RemoveItems(child, sub, type.Child(key)) : child?.DeepClone();
                }
                return result;
            case FieldShape.Set or FieldShape.AssociativeList:
                var items = Items((JsonArray)value!, type, [], strict: false);
                if (items is null)
                {
                    return value!.DeepClone();
                }
                var list = new JsonArray();
                foreach (var (pe, item) in items)
                {
                    if (toRemove.HasMember(pe))
                    {
                        continue;
                    }
                    list.Add(toRemove.Child(pe) is { } sub ? RemoveItems(item, sub, type.Element) : item?.DeepClone());
                }
                return list;
            default:
                return value?.DeepClone();
        }
    }

    /// <summary>How <paramref name="value"/> is treated given its declared type: mismatched or null values are leaves.</summary>
    internal static FieldShape Effective(FieldType type, JsonNode? value) => type.Shape switch
    {
        FieldShape.Untyped => value switch
        {
            JsonObject => FieldShape.Map,
            JsonArray => FieldShape.Atomic,
            _ => FieldShape.Scalar,
        },
        FieldShape.Struct or FieldShape.Map => value is JsonObject ? type.Shape : FieldShape.Scalar,
        FieldShape.Set or FieldShape.AssociativeList => value is JsonArray ? type.Shape : FieldShape.Scalar,
        var other => other,
    };

    private static bool IsLeaf(FieldShape shape) => shape is FieldShape.Scalar or FieldShape.Atomic;

    /// <summary>
    /// The items of a granular list with their path elements; null when they cannot be told apart (a missing key,
    /// duplicates) and <paramref name="strict"/> is off.
    /// </summary>
    private static List<(PathElement Element, JsonNode? Item)>? Items(JsonArray list, FieldType type, List<PathElement> path, bool strict)
    {
        var result = new List<(PathElement, JsonNode?)>(list.Count);
        var seen = new HashSet<PathElement>();
        for (var i = 0; i < list.Count; i++)
        {
            var item = list[i];
            PathElement pe;
            if (type.Shape == FieldShape.Set)
            {
                if (item is JsonObject or JsonArray)
                {
                    return strict ? throw new FieldSetException($"{Where(path)}: element {i}: expected a scalar in a set") : null;
                }
                pe = PathElement.Value(item);
            }
            else if (type.KeyOf(item) is { } key)
            {
                pe = key;
            }
            else
            {
                var keys = string.Join(", ", type.Keys.Select(k => "\"" + k + "\""));
                return strict
                    ? throw new FieldSetException($"{Where(path)}: element {i}: associative list with keys has an element that omits key field {keys} (and doesn't have default value)")
                    : null;
            }
            if (!seen.Add(pe))
            {
                return strict ? throw new FieldSetException($"{Where(path)}: duplicate entries for key {pe.Display}") : null;
            }
            result.Add((pe, item));
        }
        return result;
    }

    private static string Where(List<PathElement> path) => path.Count == 0 ? "." : FieldSet.Format(path);

    private static void Collect(JsonNode? value, FieldType type, List<PathElement> path, FieldSet set, bool strict)
    {
        switch (Effective(type, value))
        {
            case FieldShape.Struct or FieldShape.Map:
                foreach (var (key, child) in (JsonObject)value!)
                {
                    path.Add(PathElement.Field(key));
                    Collect(child, type.Child(key), path, set, strict);
                    if (child is null or JsonObject { Count: 0 } || !type.DeclaresField(key))
                    {
                        set.Insert(path);
                    }
                    path.RemoveAt(path.Count - 1);
                }
                break;
            case FieldShape.Set or FieldShape.AssociativeList:
                var items = Items((JsonArray)value!, type, path, strict);
                if (items is null)
                {
                    set.Insert(path);
                    break;
                }
                foreach (var (pe, item) in items)
                {
                    path.Add(pe);
                    Collect(item, type.Element, path, set, strict);
                    set.Insert(path);
                    path.RemoveAt(path.Count - 1);
                }
                break;
            default:
                set.Insert(path);
                break;
        }
    }

    private static void Diff(bool hasL, JsonNode? l, bool hasR, JsonNode? r, FieldType type, List<PathElement> path, Comparison c,
        Func<string, bool>? fields = null)
    {
        var shape = Shape(hasL, l, hasR, r, type);
        if (shape is FieldShape.Struct or FieldShape.Map)
        {
            var lo = hasL ? (JsonObject)l! : null;
            var ro = hasR ? (JsonObject)r! : null;
            if ((lo is null || lo.Count == 0) && (ro is null || ro.Count == 0))
            {
                Leaf(hasL, l, hasR, r, path, c);
                return;
            }
            // A struct on one side only (a new list item) brings the fields Go writes empty with it.
            var written = shape == FieldShape.Struct && (lo is null) != (ro is null) ? type.FieldsAlwaysWritten : [];
            foreach (var key in Keys(lo, ro, written))
            {
                if (fields is not null && !fields(key))
                {
                    continue;
                }
                var childType = type.Child(key);
                var declared = shape == FieldShape.Struct && type.DeclaresField(key);
                var (inL, lv) = Member(lo, key, childType, declared);
                var (inR, rv) = Member(ro, key, childType, declared);
                path.Add(PathElement.Field(key));
                Diff(inL, lv, inR, rv, childType, path, c);
                path.RemoveAt(path.Count - 1);
            }
        }
        else if (shape is FieldShape.Set or FieldShape.AssociativeList)
        {
            var li = hasL ? Items((JsonArray)l!, type, path, strict: false) : [];
            var ri = hasR ? Items((JsonArray)r!, type, path, strict: false) : [];
            if (li is null || ri is null || (li.Count == 0 && ri.Count == 0))
            {
                Leaf(hasL, l, hasR, r, path, c);
                return;
            }
            var right = ri.ToDictionary(i => i.Element, i => i.Item);
            var left = li.ToDictionary(i => i.Element, i => i.Item);
            foreach (var pe in li.Select(i => i.Element).Concat(ri.Select(i => i.Element).Where(pe => !left.ContainsKey(pe))))
            {
                path.Add(pe);
                Diff(left.TryGetValue(pe, out var lv), lv, right.TryGetValue(pe, out var rv), rv, type.Element, path, c);
                path.RemoveAt(path.Count - 1);
            }
        }
        else
        {
            Leaf(hasL, l, hasR, r, path, c);
            return;
        }
        // A granular value that appeared or disappeared is itself added or removed (upstream's post-item hook).
        if (!hasL)
        {
            c.Added.Insert(path);
        }
        else if (!hasR)
        {
            c.Removed.Insert(path);
        }
    }

    /// <summary>
    /// A struct's field as Go's encoder would show it: a field Go always writes (a struct embedded by value, a list
    /// without omitempty) is there, empty at worst, whenever its struct is, so it is never added or removed as such,
    /// only its contents; in a struct that is itself absent (a new list item) it is added with it.
    /// </summary>
    private static (bool Has, JsonNode? Value) Member(JsonObject? parent, string key, FieldType type, bool declared)
    {
        if (parent is null)
        {
            return (false, null);
        }
        if (parent.TryGetPropertyValue(key, out var value) && value is not null || !declared)
        {
            return (parent.ContainsKey(key), value);
        }
        if (type.IsValueStruct)
        {
            return (true, new JsonObject());
        }
        if (type.AlwaysWritten)
        {
            return (true, new JsonArray());
        }
        return parent.ContainsKey(key) ? (true, null) : (false, null);
    }

    private static void Leaf(bool hasL, JsonNode? l, bool hasR, JsonNode? r, List<PathElement> path, Comparison c)
    {
        if (!hasL)
        {
            c.Added.Insert(path);
        }
        else if (!hasR)
        {
            c.Removed.Insert(path);
        }
        else if (!JsonNode.DeepEquals(l, r))
        {
            c.Modified.Insert(path);
        }
    }

    /// <summary>The shape both sides share; when they disagree the value is compared as a whole.</summary>
    private static FieldShape Shape(bool hasL, JsonNode? l, bool hasR, JsonNode? r, FieldType type)
    {
        var sl = hasL ? Effective(type, l) : (FieldShape?)null;
        var sr = hasR ? Effective(type, r) : (FieldShape?)null;
        if (sl is { } a && sr is { } b && a != b)
        {
            return FieldShape.Scalar;
        }
        return sl ?? sr ?? FieldShape.Scalar;
    }

    private static IEnumerable<string> Keys(JsonObject? lo, JsonObject? ro, IReadOnlyList<string> written)
    {
        foreach (var key in Keys(lo, ro))
        {
            yield return key;
        }
        foreach (var key in written)
        {
            if (lo?.ContainsKey(key) != true && ro?.ContainsKey(key) != true)
            {
                yield return key;
            }
        }
    }

    private static IEnumerable<string> Keys(JsonObject? lo, JsonObject? ro)
    {
        if (lo is not null)
        {
            foreach (var (key, _) in lo)
            {
                yield return key;
            }
        }
        if (ro is not null)
        {
            foreach (var (key, _) in ro)
            {
                if (lo is null || !lo.ContainsKey(key))
                {
                    yield return key;
                }
            }
        }
    }

    private static JsonNode? Merge(bool hasL, JsonNode? l, bool hasR, JsonNode? r, FieldType type, List<PathElement> path)
    {
        if (!hasR)
        {
            return l?.DeepClone();
        }
        if (!hasL)
        {
            return r?.DeepClone();
        }
        var shape = Shape(hasL, l, hasR, r, type);
        if (shape is FieldShape.Struct or FieldShape.Map)
        {
            var lo = (JsonObject)l!;
            var ro = (JsonObject)r!;
            if (lo.Count == 0 && ro.Count == 0)
            {
                return r!.DeepClone();
            }
            var result = new JsonObject();
            foreach (var key in Keys(lo, ro))
            {
                var inL = lo.TryGetPropertyValue(key, out var lv);
                var inR = ro.TryGetPropertyValue(key, out var rv);
                path.Add(PathElement.Field(key));
                result[key] = Merge(inL, lv, inR, rv, type.Child(key), path);
                path.RemoveAt(path.Count - 1);
            }
            return result;
        }
        if (shape is FieldShape.Set or FieldShape.AssociativeList)
        {
            var ri = Items((JsonArray)r!, type, path, strict: true)!;
            var li = Items((JsonArray)l!, type, path, strict: false);
            return li is null ? r!.DeepClone() : MergeLists(li, ri, type, path);
        }
        return r?.DeepClone();
    }

    /// <summary>
    /// Merges two granular lists item by item. Items only the live list has keep their place, items both have
    /// follow the configuration's order, and new items come where the configuration puts them.
    /// </summary>
    private static JsonArray MergeLists(List<(PathElement Element, JsonNode? Item)> lhs, List<(PathElement Element, JsonNode? Item)> rhs, FieldType type, List<PathElement> path)
    {
        var left = lhs.ToDictionary(i => i.Element, i => i.Item);
        var right = rhs.ToDictionary(i => i.Element, i => i.Item);
        var shared = new Queue<PathElement>(rhs.Select(i => i.Element).Where(left.ContainsKey));
        PathElement? nextShared = shared.Count > 0 ? shared.Dequeue() : null;
        var merged = new HashSet<PathElement>();
        var result = new JsonArray();
        int li = 0, ri = 0;
        while (li < lhs.Count || ri < rhs.Count)
        {
            if (li < lhs.Count && ri < rhs.Count)
            {
                var pe = lhs[li].Element;
                if (pe == rhs[ri].Element)
                {
                    merged.Add(pe);
                    result.Add(MergeItem(pe, true, lhs[li].Item, rhs[ri].Item, type, path));
                    li++;
                    ri++;
                    nextShared = shared.Count > 0 ? shared.Dequeue() : null;
                    continue;
                }
                if (right.ContainsKey(pe) && nextShared is { } next && next != pe)
                {
                    li++; // a shared item the configuration places later
                    continue;
                }
            }
            if (li < lhs.Count)
            {
                var pe = lhs[li].Element;
                if (!right.ContainsKey(pe))
                {
                    result.Add(lhs[li].Item?.DeepClone());
                    li++;
                    continue;
                }
                if (merged.Contains(pe))
                {
                    li++;
                    continue;
                }
            }
            if (ri < rhs.Count)
            {
                var pe = rhs[ri].Element;
                merged.Add(pe);
                var inL = left.TryGetValue(pe, out var lv);
                result.Add(MergeItem(pe, inL, lv, rhs[ri].Item, type, path));
                ri++;
                if (nextShared is { } next && next == pe)
                {
                    nextShared = shared.Count > 0 ? shared.Dequeue() : null;
                }
            }
        }
        return result;
    }

    private static JsonNode? MergeItem(PathElement pe, bool hasL, JsonNode? l, JsonNode? r, FieldType type, List<PathElement> path)
    {
        path.Add(pe);
        var merged = Merge(hasL, l, true, r, type.Element, path);
        path.RemoveAt(path.Count - 1);
        return merged;
    }
}
