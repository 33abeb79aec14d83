using System.Globalization;
using System.Text;

namespace Axolotl.Agent.Volumes;

/// <summary>
/// A whole label or annotation map as a downwardAPI file holds it (upstream fieldpath.FormatMap), so
/// tools that parse the kubelet's files parse ours.
/// </summary>
internal static class FieldMapFormat
{
    /// <summary>Upstream fieldpath.FormatMap: sorted <c>key="value"</c> lines, values quoted as Go's %q.</summary>
    public static string Format(Dictionary<string, string>? map)
    {
        var sb = new StringBuilder();
        foreach (var key in (map?.Keys ?? Enumerable.Empty<string>()).Order(StringComparer.Ordinal))
        {
            if (sb.Length > 0)
            {
                sb.Append('\n');
            }
            sb.Append(key).Append('=');
            AppendGoQuoted(sb, map![key]);
        }
        return sb.ToString();
    }

    /// <summary>Go's strconv.Quote: printable runes as they are, the rest as \a..\v, \xNN, \uNNNN or \UNNNNNNNN.</summary>
    private static void AppendGoQuoted(StringBuilder sb, string value)
    {
        sb.Append('"');
        foreach (var rune in value.EnumerateRunes())
        {
            var r = rune.Value;
            var escape = r switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\a' => "\\a",
                '\b' => "\\b",
                '\f' => "\\f",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\v' => "\\v",
                _ => null,
            };
            if (escape is not null)
            {
                sb.Append(escape);
            }
            else if (IsGoPrintable(rune))
            {
                sb.Append(rune.ToString());
            }
            else if (r < ' ' || r == 0x7f)
            {
                sb.Append("\\x").Append(r.ToString("x2", CultureInfo.InvariantCulture));
            }
            else if (r < 0x10000)
            {
                sb.Append("\\u").Append(r.ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append("\\U").Append(r.ToString("x8", CultureInfo.InvariantCulture));
            }
        }
        sb.Append('"');
    }

    /// <summary>Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.</summary>
    private static bool IsGoPrintable(Rune rune) => rune.Value == ' ' || Rune.GetUnicodeCategory(rune) switch
    {
        <= UnicodeCategory.OtherNumber => true,
        >= UnicodeCategory.ConnectorPunctuation and <= UnicodeCategory.OtherSymbol => true,
        _ => false,
    };
}
