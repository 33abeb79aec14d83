using System.Text;

namespace Axolotl.Api.Apiextensions.Schema;

/// <summary>
/// The <c>fieldPath</c> of a validation rule: a JSON path of field names (<c>.a.b</c>) and quoted keys
/// (<c>['x-y']</c>) that must lead, through the schema, from the rule's node to a property or a map value.
/// A false rule is reported at that path instead of the node's, as upstream's ValidFieldPath resolves it.
/// </summary>
public static class RuleFieldPath
{
    /// <summary>The path relative to the node ("a.b", "a[x-y]"), or the reason it is not valid for <paramref name="schema"/>.</summary>
    public static (string? Path, string? Error) Resolve(string jsonPath, JsonSchemaProps schema)
    {
        ArgumentNullException.ThrowIfNull(jsonPath);
        ArgumentNullException.ThrowIfNull(schema);
        var path = new StringBuilder();
        var node = schema;
        var i = 0;
        while (i < jsonPath.Length)
        {
            string name;
            if (jsonPath[i] == '.')
            {
                var end = jsonPath.IndexOfAny(['.', '['], i + 1);
                end = end < 0 ? jsonPath.Length : end;
                name = jsonPath[(i + 1)..end];
                i = end;
            }
            else if (jsonPath[i] == '[')
            {
                if (!TryQuoted(jsonPath, i + 1, out name, out var after, out var error))
                {
                    return (null, error);
                }
                if (after >= jsonPath.Length || jsonPath[after] != ']')
                {
                    return (null, after >= jsonPath.Length ? "unexpected end of JSON path" : $"expected ] but got {jsonPath[after]}");
                }
                i = after + 1;
            }
            else
            {
                return (null, $"expected [ or . but got: {jsonPath[i..]}");
            }

            if (node.Properties.Count > 0)
            {
                if (!node.Properties.TryGetValue(name, out var child))
                {
                    return (null, "does not refer to a valid field");
                }
                path.Append(path.Length == 0 ? "" : ".").Append(name);
                node = child;
            }
            else if (node.AdditionalProperties is { } values)
            {
                path.Append('[').Append(name).Append(']');
                node = values;
            }
            else
            {
                return (null, "does not refer to a valid field");
            }
        }
        return (path.ToString(), null);
    }

    private static bool TryQuoted(string s, int start, out string value, out int after, out string? error)
    {
        value = "";
        after = start;
        error = null;
        if (start >= s.Length || s[start] != '\'')
        {
            error = "expected single quoted string";
            return false;
        }
        var text = new StringBuilder();
        for (var i = start + 1; i < s.Length; i++)
        {
            if (s[i] == '\'')
            {
                value = text.ToString();
                after = i + 1;
                return true;
            }
            if (s[i] != '\\')
            {
                text.Append(s[i]);
                continue;
            }
            if (++i >= s.Length)
            {
                break;
            }
            char? unescaped = s[i] switch
            {
                'a' => '\a',
                'b' => '\b',
                'f' => '\f',
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                'v' => '\v',
                '\'' => '\'',
                '\\' => '\\',
                _ => null,
            };
            if (unescaped is null)
            {
                error = $"invalid string literal: invalid escape char \\{s[i]}";
                return false;
            }
            text.Append(unescaped.Value);
        }
        error = "unexpected end of JSON path";
        return false;
    }
}
