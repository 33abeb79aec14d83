using System.Globalization;
using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>
/// The JSONPath subset CRD printer columns use: ".spec.replicas", ".status.conditions[0].type",
/// ".status.conditions[?(@.type==\"Ready\")].status", ".status.addresses[*].value". Anything it cannot follow reads as
/// missing. Where a path selects several values the first is printed, as kube-apiserver's table convertor does.
/// </summary>
public static class SimpleJsonPath
{
    public static JsonNode? Read(JsonNode? root, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var text = path.Trim();
        if (text.StartsWith('{') && text.EndsWith('}'))
        {
            text = text[1..^1];
        }
        var node = root;
        var i = 0;
        while (i < text.Length && node is not null)
        {
            if (text[i] == '.')
            {
                var end = i + 1;
                while (end < text.Length && text[end] is not ('.' or '['))
                {
                    end++;
                }
                var name = text[(i + 1)..end];
                node = name.Length == 0 ? node : (node as JsonObject)?[name];
                i = end;
            }
            else if (text[i] == '[')
            {
                var close = text.IndexOf(']', i);
                if (close < 0)
                {
                    return null;
                }
                node = Index(node, text[(i + 1)..close]);
                i = close + 1;
            }
            else
            {
                return null;
            }
        }
        return node;
    }

    private static JsonNode? Index(JsonNode? node, string selector)
    {
        if (node is not JsonArray array)
        {
            return null;
        }
        if (selector == "*")
        {
            return array.Count > 0 ? array[0] : null;
        }
        if (int.TryParse(selector, NumberStyles.Integer, CultureInfo.InvariantCulture, out var index))
        {
            index = index < 0 ? array.Count + index : index;
            return index >= 0 && index < array.Count ? array[index] : null;
        }
        // ?(@.field=="value")
        if (selector.StartsWith("?(@.", StringComparison.Ordinal) && selector.EndsWith(')') && selector.Contains("==", StringComparison.Ordinal))
        {
            var body = selector[4..^1];
            var eq = body.IndexOf("==", StringComparison.Ordinal);
            var field = body[..eq].Trim();
            var wanted = body[(eq + 2)..].Trim().Trim('"', '\'');
            return array.FirstOrDefault(item => (item as JsonObject)?[field] is JsonValue v && v.ToString() == wanted);
        }
        return null;
    }
}
