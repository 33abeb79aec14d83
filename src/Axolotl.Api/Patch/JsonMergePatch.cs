using System.Text.Json.Nodes;
using static Axolotl.Api.Patch.JsonNodes;

namespace Axolotl.Api.Patch;

/// <summary>
/// JSON merge patch, RFC 7386 (application/merge-patch+json): objects merge recursively, <c>null</c> removes a
/// member, anything else (arrays included) replaces the target value.
/// </summary>
public static class JsonMergePatch
{
    /// <summary>Applies <paramref name="patch"/> to <paramref name="target"/> and returns the result; neither argument is modified.</summary>
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }
        var result = target is JsonObject targetObject ? (JsonObject)targetObject.DeepClone() : new JsonObject();
        MergeInto(result, patchObject);
        return result;
    }

    /// <inheritdoc cref="Apply(JsonNode?, JsonNode?)"/>
    public static JsonObject Apply(JsonObject target, JsonObject patch)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(patch);
        var result = (JsonObject)target.DeepClone();
        MergeInto(result, patch);
        return result;
    }

    private static void MergeInto(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch)
        {
            if (IsNull(value))
            {
                target.Remove(key);
            }
            else if (value is JsonObject patchChild)
            {
                if (target.TryGetPropertyValue(key, out var existing) && existing is JsonObject targetChild)
                {
                    MergeInto(targetChild, patchChild);
                }
                else
                {
                    // Merging into nothing still drops the patch's nulls (RFC 7386 section 2, MergePatch on a non-object target).
                    var fresh = new JsonObject();
                    MergeInto(fresh, patchChild);
                    target[key] = fresh;
                }
            }
            else
            {
                target[key] = value!.DeepClone();
            }
        }
    }
}
