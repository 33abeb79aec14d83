using System.Text.Json;
using System.Text.Json.Nodes;
using static Axolotl.Api.Patch.JsonNodes;

namespace Axolotl.Api.Patch;

/// <summary>
/// Applies a strategic merge patch (application/strategic-merge-patch+json) the way the Kubernetes API server does
/// (k8s.io/apimachinery/pkg/util/strategicpatch, server side: parallel lists merged, unmatched nulls ignored).
/// <list type="bullet">
/// <item>Maps merge recursively; <c>null</c> deletes a key.</item>
/// <item>Lists whose field has the "merge" strategy merge element-wise by the merge key (primitive lists as sets);
/// every other list is replaced wholesale.</item>
/// <item>Directives: <c>$patch</c> (replace / delete, and merge as the explicit default), <c>$retainKeys</c>,
/// <c>$setElementOrder/&lt;list&gt;</c>, <c>$deleteFromPrimitiveList/&lt;list&gt;</c>. None survive into the result.</item>
/// </list>
/// Deliberate differences from upstream, all more forgiving: undeclared fields merge as plain JSON instead of failing
/// the lookup, <c>{"$patch":"merge"}</c> is accepted, and <c>{"$patch":"replace"}</c> on a map the original
/// lacks keeps the map instead of dropping it.
/// </summary>
public static class StrategicMergePatch
{
    internal const string DirectiveMarker = "$patch";
    internal const string RetainKeysDirective = "$retainKeys";
    internal const string SetElementOrderPrefix = "$setElementOrder";
    internal const string DeleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList";

    /// <summary>Applies <paramref name="patch"/> to <paramref name="original"/> using the patch metadata of <paramref name="clrType"/>.</summary>
    /// <returns>A new object; neither argument is modified.</returns>
    /// <exception cref="PatchException">The patch is malformed.</exception>
    public static JsonObject Apply(JsonObject original, JsonObject patch, Type clrType) =>
        Apply(original, patch, PatchSchema.For(clrType));

    /// <inheritdoc cref="Apply(JsonObject, JsonObject, Type)"/>
    public static JsonObject Apply(JsonObject original, JsonObject patch, PatchSchema schema)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(patch);
        ArgumentNullException.ThrowIfNull(schema);
        return MergeMap((JsonObject)original.DeepClone(), (JsonObject)patch.DeepClone(), schema);
    }

    /// <summary>
    /// Merges <paramref name="patch"/> into <paramref name="original"/>. Both are owned by the caller and consumed:
    /// <paramref name="original"/> is updated in place (and usually returned), <paramref name="patch"/> is emptied.
    /// </summary>
    internal static JsonObject MergeMap(JsonObject original, JsonObject patch, PatchSchema schema)
    {
        if (patch.TryGetPropertyValue(DirectiveMarker, out var directive))
        {
            var rendered = Render(patch);
            patch.Remove(DirectiveMarker);
            switch (StringValue(directive))
            {
                case "replace":
                    return MergeMap(new JsonObject(), patch, schema);
                case "delete":
                    return new JsonObject();
                case "merge":
                    break;
                default:
                    throw new PatchException($"unknown patch type: {Render(directive)} in map: {rendered}");
            }
        }

        ApplyRetainKeys(original, patch);
        StrategicListMerge.ApplySetElementOrder(original, patch, schema);

        List<(string Name, JsonNode? Value)>? deletions = null;
        foreach (var key in patch.Select(p => p.Key).ToList())
        {
            var value = Take(patch, key);
            if (key.StartsWith(DeleteFromPrimitiveListPrefix, StringComparison.Ordinal))
            {
                var name = ExtractKey(key, DeleteFromPrimitiveListPrefix);
                (deletions ??= []).Add((name, value));
                continue;
            }
            MergeField(original, key, value, schema.Field(key), isDeleteList: false);
        }
        // Deletions run last so that a list patched and trimmed in one request ends up without the deleted items.
        foreach (var (name, value) in deletions ?? [])
        {
            MergeField(original, name, value, schema.Field(name), isDeleteList: true);
        }
        return original;
    }

    /// <summary>
    /// A patch value for a place where the original has nothing to merge with, cleaned of directives and nulls.
    /// Returns false when the value is a deletion and the key should disappear.
    /// </summary>
    internal static bool TryMakeFresh(JsonNode? patchValue, PatchField field, out JsonNode? fresh)
    {
        switch (patchValue)
        {
            case JsonObject obj:
                if (obj.TryGetPropertyValue(DirectiveMarker, out var directive) && StringValue(directive) == "delete")
                {
                    fresh = null;
                    return false;
                }
                fresh = MergeMap(new JsonObject(), obj, field.Schema);
                return true;
            case JsonArray array:
                fresh = StrategicListMerge.CleanList(array, field.ElementSchema);
                return true;
            default:
                fresh = patchValue;
                return true;
        }
    }

    internal static string ExtractKey(string key, string prefix)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || key[..slash] != prefix)
        {
            throw new PatchException(prefix == SetElementOrderPrefix
                ? "invalid patch format of setElementOrder list"
                : "invalid patch format of primitive list");
        }
        return key[(slash + 1)..];
    }

    private static void MergeField(JsonObject original, string name, JsonNode? patchValue, PatchField field, bool isDeleteList)
    {
        if (IsNull(patchValue))
        {
            original.Remove(name);
            return;
        }

        original.TryGetPropertyValue(name, out var current);
        var currentKind = KindOf(current);
        var patchKind = KindOf(patchValue);

        if (currentKind == JsonValueKind.Object && patchKind == JsonValueKind.Object)
        {
            var merged = field.HasReplaceStrategy
                ? MergeMap(new JsonObject(), (JsonObject)patchValue!, field.Schema)
                : MergeMap((JsonObject)current!, (JsonObject)patchValue!, field.Schema);
            Set(original, name, merged);
            return;
        }
        if (currentKind == JsonValueKind.Array && patchKind == JsonValueKind.Array)
        {
            Set(original, name, StrategicListMerge.MergeListField((JsonArray)current!, (JsonArray)patchValue!, field, isDeleteList));
            return;
        }

        // Absent, null, or a different JSON type: the patch value wins outright (a deletion list never adds).
        if (isDeleteList)
        {
            return;
        }
        if (TryMakeFresh(patchValue, field, out var fresh))
        {
            Set(original, name, fresh);
        }
        else
        {
            original.Remove(name);
        }
    }

    private static void ApplyRetainKeys(JsonObject original, JsonObject patch)
    {
        if (!patch.TryGetPropertyValue(RetainKeysDirective, out var directive))
        {
            return;
        }
        patch.Remove(RetainKeysDirective);
        if (directive is not JsonArray list)
        {
            throw new PatchException("invalid patch format of retainKeys");
        }

        var retained = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in list)
        {
            if (StringValue(item) is { } key)
            {
                retained.Add(key);
            }
        }
        foreach (var (key, value) in patch)
        {
            if (IsNull(value) ||
                key.StartsWith(DeleteFromPrimitiveListPrefix, StringComparison.Ordinal) ||
                key.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal))
            {
                continue;
            }
            if (!retained.Contains(key))
            {
                throw new PatchException($"invalid patch format of retainKeys: field \"{key}\" is set by the patch but missing from $retainKeys");
            }
        }
        foreach (var key in original.Select(p => p.Key).Where(k => !retained.Contains(k)).ToList())
        {
            original.Remove(key);
        }
    }
}
