using System.Text;
using System.Text.Json.Nodes;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.Validation;

/// <summary>
/// Semantic comparison of two model objects through their wire JSON: nulls and empty lists count
/// as absent (as upstream's semantic DeepEqual treats nil and empty slices alike), and quantities
/// compare by value because they serialize canonically. Describe lists what differs.
/// </summary>
public static class SpecDiff
{
    public static bool AreEqual<T>(T left, T right) => JsonNode.DeepEquals(Normalize(left), Normalize(right));

    /// <summary>A short human-readable diff, one "- path: old" / "+ path: new" pair per changed leaf.</summary>
    public static string Describe<T>(T before, T after)
    {
        var lines = new StringBuilder();
        Walk(Normalize(before), Normalize(after), "", lines);
        return lines.ToString().TrimEnd('\n');
    }

    private static JsonNode? Normalize<T>(T value)
    {
        var node = value is null ? null : System.Text.Json.JsonSerializer.SerializeToNode(value, KubeJson.Options);
        return Clean(node);
    }

    private static JsonNode? Clean(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                var cleaned = new JsonObject();
                foreach (var (key, child) in obj)
                {
                    var value = Clean(child);
                    if (value is not null)
                    {
                        cleaned[key] = value;
                    }
                }
                return cleaned;
            case JsonArray array:
                if (array.Count == 0)
                {
                    return null;
                }
                var copy = new JsonArray();
                foreach (var item in array)
                {
                    copy.Add(Clean(item));
                }
                return copy;
            case null:
                return null;
            default:
                return node.DeepClone();
        }
    }

    private static void Walk(JsonNode? before, JsonNode? after, string path, StringBuilder lines)
    {
        if (JsonNode.DeepEquals(before, after))
        {
            return;
        }
        if (before is JsonObject oldObject && after is JsonObject newObject)
        {
            foreach (var key in oldObject.Select(kv => kv.Key).Union(newObject.Select(kv => kv.Key)).Order(StringComparer.Ordinal))
            {
                Walk(oldObject[key], newObject[key], path.Length == 0 ? key : path + "." + key, lines);
            }
            return;
        }
        if (before is JsonArray oldArray && after is JsonArray newArray && oldArray.Count == newArray.Count)
        {
            for (var i = 0; i < oldArray.Count; i++)
            {
                Walk(oldArray[i], newArray[i], $"{path}[{i}]", lines);
            }
            return;
        }
        if (before is not null)
        {
            lines.Append("- ").Append(path).Append(": ").Append(before.ToJsonString()).Append('\n');
        }
        if (after is not null)
        {
            lines.Append("+ ").Append(path).Append(": ").Append(after.ToJsonString()).Append('\n');
        }
    }
}
