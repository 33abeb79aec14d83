namespace Axolotl.Cel.Types;

/// <summary>
/// Kubernetes' escaping of schema property names into CEL field names (apiserver's <c>cel.Escape</c>): a reserved word
/// becomes <c>__word__</c>, <c>__</c> <c>__underscores__</c>, and <c>.</c>, <c>-</c>, <c>/</c> become <c>__dot__</c>,
/// <c>__dash__</c>, <c>__slash__</c>. A name starting with a digit or holding any other character is not exposed.
/// </summary>
public static class CelFieldNames
{
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "true", "false", "null", "in", "as", "break", "const", "continue", "else", "for", "function", "if", "import",
        "let", "loop", "package", "namespace", "return", "var", "void", "while",
    };

    /// <summary>The CEL field name of a property, or null when the property cannot be selected.</summary>
    public static string? Escape(string name)
    {
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            return null;
        }
        if (Reserved.Contains(name))
        {
            return $"__{name}__";
        }
        var sb = new System.Text.StringBuilder(name.Length);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (c == '_' && i + 1 < name.Length && name[i + 1] == '_')
            {
                sb.Append("__underscores__");
                i++;
                continue;
            }
            switch (c)
            {
                case '.': sb.Append("__dot__"); break;
                case '-': sb.Append("__dash__"); break;
                case '/': sb.Append("__slash__"); break;
                case '_': sb.Append(c); break;
                default:
                    if (!char.IsAsciiLetterOrDigit(c))
                    {
                        return null;
                    }
                    sb.Append(c);
                    break;
            }
        }
        return sb.ToString();
    }
}
