using System.Text.Json;
using System.Text.Json.Nodes;
using static Axolotl.Api.Patch.JsonNodes;
using static Axolotl.Api.Patch.StrategicMergePatch;

namespace Axolotl.Api.Patch;

/// <summary>
/// The list half of strategic merge patch: element-wise merge by merge key, set merge of primitive lists,
/// <c>$patch</c> elements, <c>$setElementOrder</c> and the ordering rules upstream applies to merged lists
/// (items named by the patch take the patch's order, items only the server has keep their relative order
/// and stay in front of the patch items that followed them on the server).
/// </summary>
internal static class StrategicListMerge
{
    // Stands in for the identity of an element that lacks its merge key; never equal to a real identity.
    private const string MissingKey = "\u0000missing";

    private enum ElementKind
    {
        Object,
        String,
        Number,
        Bool,
        Null,
    }

    /// <summary>Merges or replaces a list field according to its strategy. Consumes both arrays.</summary>
    public static JsonArray MergeListField(JsonArray current, JsonArray patch, PatchField field, bool isDeleteList)
    {
        if (field.HasMergeStrategy || isDeleteList)
        {
            return new JsonArray([.. MergeList(TakeAll(current), TakeAll(patch), field, isDeleteList)]);
        }
        return CleanList(patch, field.ElementSchema);
    }

    /// <summary>A patch list used as a value: directive elements dropped, element maps cleaned. Consumes the array.</summary>
    public static JsonArray CleanList(JsonArray patch, PatchSchema elementSchema)
    {
        var result = new JsonArray();
        foreach (var item in TakeAll(patch))
        {
            switch (item)
            {
                case JsonObject obj when obj.ContainsKey(DirectiveMarker):
                    continue;
                case JsonObject obj:
                    result.Add(MergeMap(new JsonObject(), obj, elementSchema));
                    break;
                case JsonArray nested:
                    result.Add(CleanList(nested, PatchSchema.Unknown));
                    break;
                default:
                    result.Add(item);
                    break;
            }
        }
        return result;
    }

    /// <summary>Handles every <c>$setElementOrder/&lt;list&gt;</c> directive in <paramref name="patch"/>, merging the named lists first.</summary>
    public static void ApplySetElementOrder(JsonObject original, JsonObject patch, PatchSchema schema)
    {
        foreach (var key in patch.Select(p => p.Key).Where(k => k.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal)).ToList())
        {
            var orderNode = Take(patch, key);
            var name = ExtractKey(key, SetElementOrderPrefix);
            if (orderNode is not JsonArray orderArray)
            {
                throw new PatchException($"invalid patch format of setElementOrder list: {key} must be a list, not a {Describe(orderNode)}");
            }
            var order = TakeAll(orderArray);
            var field = InferUndeclaredList(schema.Field(name), order);
            var mergeKey = field.MergeKey;

            original.TryGetPropertyValue(name, out var currentNode);
            patch.TryGetPropertyValue(name, out var patchNode);
            if (!IsNull(currentNode) && currentNode is not JsonArray)
            {
                throw new PatchException($"expected a list for field {name}, but the object holds a {Describe(currentNode)}");
            }
            if (!IsNull(patchNode) && patchNode is not JsonArray)
            {
                throw new PatchException($"expected a list for field {name}, but the patch holds a {Describe(patchNode)}");
            }
            var current = currentNode as JsonArray;
            var patchList = patchNode as JsonArray;
            if (patchList is not null && field.HasMergeStrategy)
            {
                ValidateAgainstOrder(patchList, order, mergeKey);
            }

            var serverKeys = current?.Select(e => IdentityOf(e, mergeKey)).ToList() ?? [];
            List<JsonNode?> merged;
            if (current is not null && patchList is not null)
            {
                merged = TakeAll(MergeListField(current, patchList, field, isDeleteList: false));
                patch.Remove(name);
            }
            else if (patchList is not null)
            {
                merged = TakeAll(CleanList(patchList, field.ElementSchema));
                patch.Remove(name);
            }
            else if (current is not null)
            {
                merged = TakeAll(current);
            }
            else
            {
                continue;
            }

            // Only merged lists have an order to restore; a replaced list is exactly what the patch sent.
            var orderable = field.HasMergeStrategy && merged.Count > 0 && (mergeKey is not null || merged.All(e => e is not JsonObject));
            if (orderable)
            {
                var orderKeys = order.Select(e => RequiredIdentityOf(e, mergeKey)).ToList();
                merged = Order(merged, merged.Select(e => IdentityOf(e, mergeKey)).ToList(), orderKeys, serverKeys);
            }
            Set(original, name, new JsonArray([.. merged]));
        }
    }

    private static List<JsonNode?> MergeList(List<JsonNode?> original, List<JsonNode?> patch, PatchField field, bool isDeleteList)
    {
        if (original.Count == 0 && patch.Count == 0)
        {
            return original;
        }
        var kind = ElementKindOf(field.Name, original, patch);
        if (kind != ElementKind.Object)
        {
            var patchKeys = patch.Select(Identity).ToList();
            if (isDeleteList)
            {
                var deleted = patchKeys.ToHashSet(StringComparer.Ordinal);
                return original.Where(e => !deleted.Contains(Identity(e))).ToList();
            }
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var union = new List<JsonNode?>();
            var unionKeys = new List<string>();
            foreach (var item in original.Concat(patch))
            {
                var key = Identity(item);
                if (seen.Add(key))
                {
                    union.Add(item);
                    unionKeys.Add(key);
                }
            }
            return Order(union, unionKeys, patchKeys, original.Select(Identity).ToList());
        }

        var mergeKey = field.MergeKey ?? throw new PatchException($"cannot merge lists without merge key for {field.Name}");
        var (server, rest) = ApplySpecialElements(original, patch, mergeKey, field.ElementSchema);
        var restKeys = rest.Select(e => RequiredIdentityOf(e, mergeKey)).ToList();
        var serverKeys = server.Select(e => IdentityOf(e, mergeKey)).ToList();

        var merged = new List<JsonNode?>(server);
        var mergedKeys = new List<string>(serverKeys);
        for (var i = 0; i < rest.Count; i++)
        {
            var element = (JsonObject)rest[i]!;
            var index = mergedKeys.IndexOf(restKeys[i]);
            if (index >= 0)
            {
                merged[index] = MergeMap((JsonObject)merged[index]!, element, field.ElementSchema);
            }
            else
            {
                merged.Add(MergeMap(new JsonObject(), element, field.ElementSchema));
                mergedKeys.Add(restKeys[i]);
            }
        }
        return Order(merged, mergedKeys, restKeys, serverKeys);
    }

    /// <summary>Applies the <c>$patch</c> elements of a list of maps; returns the surviving original items and the plain patch items.</summary>
    private static (List<JsonNode?> Server, List<JsonNode?> Plain) ApplySpecialElements(
        List<JsonNode?> original, List<JsonNode?> patch, string mergeKey, PatchSchema elementSchema)
    {
        var server = original;
        var rest = new List<JsonNode?>();
        var replace = false;
        foreach (var item in patch)
        {
            var element = (JsonObject)item!;
            if (!element.TryGetPropertyValue(DirectiveMarker, out var directive))
            {
                rest.Add(element);
                continue;
            }
            switch (StringValue(directive))
            {
                case "delete":
                    var doomed = RequiredIdentityOf(element, mergeKey);
                    server = server.Where(e => IdentityOf(e, mergeKey) != doomed).ToList();
                    break;
                case "replace":
                    replace = true;
                    break;
                case "merge":
                    break;
                default:
                    throw new PatchException($"unknown patch type: {Render(directive)} in map: {Render(element)}");
            }
        }
        if (replace)
        {
            var replacement = rest.Select(e => (JsonNode?)MergeMap(new JsonObject(), (JsonObject)e!, elementSchema)).ToList();
            return (replacement, []);
        }
        return (server, rest);
    }

    /// <summary>
    /// Puts merged items (whose identities are <paramref name="mergedKeys"/>) in their final order: items named by
    /// <paramref name="patchKeys"/> in that order, the others in
    /// their server order, interleaved so that a server-only item stays ahead of the patch items it preceded.
    /// </summary>
    private static List<JsonNode?> Order(List<JsonNode?> merged, List<string> mergedKeys, List<string> patchKeys, List<string> serverKeys)
    {
        var patchIndex = FirstIndexes(patchKeys);
        var serverIndex = FirstIndexes(serverKeys);
        var inPatch = new List<(JsonNode? Node, string Key)>();
        var serverOnly = new List<(JsonNode? Node, string Key)>();
        for (var n = 0; n < merged.Count; n++)
        {
            var key = mergedKeys[n];
            (patchIndex.ContainsKey(key) ? inPatch : serverOnly).Add((merged[n], key));
        }
        var left = serverOnly.OrderBy(e => serverIndex.GetValueOrDefault(e.Key, int.MaxValue)).ToList();
        var right = inPatch.OrderBy(e => patchIndex[e.Key]).ToList();

        var result = new List<JsonNode?>(merged.Count);
        int i = 0, j = 0;
        while (i < left.Count || j < right.Count)
        {
            if (i >= left.Count)
            {
                result.Add(right[j++].Node);
            }
            else if (j >= right.Count)
            {
                result.Add(left[i++].Node);
            }
            else if (serverIndex.TryGetValue(left[i].Key, out var li) && serverIndex.TryGetValue(right[j].Key, out var ri) && li < ri)
            {
                result.Add(left[i++].Node);
            }
            else
            {
                result.Add(right[j++].Node);
            }
        }
        return result;
    }

    private static Dictionary<string, int> FirstIndexes(List<string> keys)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < keys.Count; i++)
        {
            index.TryAdd(keys[i], i);
        }
        return index;
    }

    /// <summary>Checks that the patch list names its items in the same relative order as <c>$setElementOrder</c>, and no others.</summary>
    private static void ValidateAgainstOrder(JsonArray patchList, List<JsonNode?> order, string? mergeKey)
    {
        var items = patchList.ToList();
        if (order.Count == 0 || items.Count == 0)
        {
            return;
        }
        var candidates = items.Where(e => !(mergeKey is not null && e is JsonObject o && StringValue(o[DirectiveMarker]) == "delete")).ToList();
        int p = 0, s = 0;
        while (p < candidates.Count && s < order.Count)
        {
            if (candidates[p] is JsonObject o && o.ContainsKey(DirectiveMarker))
            {
                p++;
                continue;
            }
            if (RequiredIdentityOf(candidates[p], mergeKey) == RequiredIdentityOf(order[s], mergeKey))
            {
                p++;
            }
            s++;
        }
        if (p < candidates.Count)
        {
            throw new PatchException($"The order in patch list: {Render(items)} doesn't match $setElementOrder list: {Render(order)}");
        }
    }

    /// <summary>
    /// A field the model does not declare gets list semantics from the directive itself: kubectl only sends
    /// <c>$setElementOrder</c> for merging lists, and each order entry holds just the merge key. Without this a
    /// partial list sent by apply or set image would replace the whole list.
    /// </summary>
    private static PatchField InferUndeclaredList(PatchField field, List<JsonNode?> order)
    {
        if (field.IsDeclared || order.Count == 0)
        {
            return field;
        }
        if (order.All(e => e is JsonObject { Count: 1 }))
        {
            var keys = order.Select(e => ((JsonObject)e!).First().Key).Distinct(StringComparer.Ordinal).ToList();
            return keys.Count == 1 ? new PatchField(field.Name, field.Schema, PatchStrategies.Merge, keys[0]) { IsDeclared = false } : field;
        }
        if (order.All(e => IsPrimitive(KindOf(e))))
        {
            return new PatchField(field.Name, field.Schema, PatchStrategies.Merge) { IsDeclared = false };
        }
        return field;
    }

    private static ElementKind ElementKindOf(string field, List<JsonNode?> original, List<JsonNode?> patch)
    {
        ElementKind? kind = null;
        foreach (var item in original.Concat(patch))
        {
            var next = KindOf(item) switch
            {
                JsonValueKind.Object => ElementKind.Object,
                JsonValueKind.Array => throw new PatchException("lists of lists are not supported"),
                JsonValueKind.String => ElementKind.String,
                JsonValueKind.Number => ElementKind.Number,
                JsonValueKind.True or JsonValueKind.False => ElementKind.Bool,
                _ => ElementKind.Null,
            };
            if (kind is not null && kind != next)
            {
                throw new PatchException($"list element types are not identical in {field}: {Render(original)} and {Render(patch)}");
            }
            kind = next;
        }
        return kind ?? ElementKind.Null;
    }

    /// <summary>The identity of a list element: its merge key's value for maps, the value itself for primitives.</summary>
    private static string IdentityOf(JsonNode? element, string? mergeKey)
    {
        if (mergeKey is null)
        {
            return Identity(element);
        }
        return element is JsonObject obj && obj.TryGetPropertyValue(mergeKey, out var value) ? Identity(value) : MissingKey;
    }

    private static string RequiredIdentityOf(JsonNode? element, string? mergeKey)
    {
        if (mergeKey is null)
        {
            return Identity(element);
        }
        if (element is JsonObject obj && obj.TryGetPropertyValue(mergeKey, out var value))
        {
            return Identity(value);
        }
        throw new PatchException($"map: {Render(element)} does not contain declared merge key: {mergeKey}");
    }
}
