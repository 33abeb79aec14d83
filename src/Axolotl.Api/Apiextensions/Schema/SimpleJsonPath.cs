using System.Text.Json.Nodes;

namespace Axolotl.Api.Apiextensions.Schema;

/// <summary>
/// The JSON paths a CRD's scale subresource names (".spec.replicas", ".status.pool.selector"): dotted
/// field names only, as upstream splits them on "." (no array notation, no quoting). Reads and writes
/// a custom resource at such a path.
/// </summary>
public static class SimpleJsonPath
{
    /// <summary>The field names of <paramref name="path"/>, or null when it is not of the form .a.b.c.</summary>
    public static IReadOnlyList<string>? Parse(string path)
    {
        if (path.Length < 2 || path[0] != '.')
        {
            return null;
        }
        var fields = path[1..].Split('.');
        return fields.All(f => f.Length > 0 && f.IndexOfAny(['[', ']', '*', '@', '$', '\'', '"', '(', ')', ' ']) < 0) ? fields : null;
    }

    /// <summary>The value at <paramref name="fields"/>, or null when some step is missing or not an object.</summary>
    public static JsonNode? Get(JsonObject root, IReadOnlyList<string> fields)
    {
        JsonNode? node = root;
        foreach (var field in fields)
        {
            node = (node as JsonObject)?[field];
        }
        return node;
    }

    /// <summary>Sets the value at <paramref name="fields"/>, creating the objects on the way (a non-object on the way is replaced).</summary>
    public static void Set(JsonObject root, IReadOnlyList<string> fields, JsonNode value)
    {
        var node = root;
        for (var i = 0; i < fields.Count - 1; i++)
        {
            if (node[fields[i]] is not JsonObject next)
            {
                next = [];
                node[fields[i]] = next;
            }
            node = next;
        }
        node[fields[^1]] = value;
    }
}
