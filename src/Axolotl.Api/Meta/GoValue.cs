using System.Globalization;
using System.Text;

namespace Axolotl.Api.Meta;

/// <summary>
/// Renders a rejected value the way upstream's field.Error prints it with Go's fmt: strings
/// quoted (%q), numbers and booleans bare, nil as null, maps and lists in Go syntax (%#v) with
/// map keys sorted, and Go structs through <see cref="GoSyntax"/>.
/// </summary>
public static class GoValue
{
    /// <summary>A value printed verbatim: the Go-syntax rendering of an upstream struct.</summary>
    public sealed record GoSyntax(string Text)
    {
        public override string ToString() => Text;
    }

    public static string Format(object? value) => value switch
    {
        null => "null",
        string s => Quote(s),
        bool b => b ? "true" : "false",
        int or long or short or uint or ulong => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        GoSyntax syntax => syntax.Text,
        IReadOnlyDictionary<string, string> map => StringMap(map),
        IEnumerable<string> list => StringSlice(list),
        _ => value.ToString() ?? "null",
    };

    /// <summary>Go's %#v of a map[string]string: keys sorted, nil maps as map[string]string(nil).</summary>
    public static string StringMap(IReadOnlyDictionary<string, string>? map)
    {
        if (map is null)
        {
            return "map[string]string(nil)";
        }
        var entries = map.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{Quote(kv.Key)}:{Quote(kv.Value)}");
        return "map[string]string{" + string.Join(", ", entries) + "}";
    }

    /// <summary>Go's %#v of a []string.</summary>
    public static string StringSlice(IEnumerable<string>? list) =>
        list is null ? "[]string(nil)" : "[]string{" + string.Join(", ", list.Select(Quote)) + "}";

    /// <summary>
    /// Go's %q (strconv.Quote): a double-quoted string; quotes, backslashes and the C escapes (\a \b \f \n \r
    /// \t \v) escaped, other runes Go does not print as \xNN, \uNNNN or \UNNNNNNNN, the rest as they are.
    /// </summary>
    public static string Quote(string value) => AppendQuoted(new StringBuilder(value.Length + 2), value).ToString();

    /// <summary><see cref="Quote"/> onto <paramref name="builder"/>.</summary>
    public static StringBuilder AppendQuoted(StringBuilder builder, string value)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Append('"');
        foreach (var rune in value.EnumerateRunes())
        {
            var r = rune.Value;
            switch (r)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\a': builder.Append("\\a"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\v': builder.Append("\\v"); break;
                case < 0x20 or 0x7f:
                    builder.Append(CultureInfo.InvariantCulture, $"\\x{r:x2}");
                    break;
                default:
                    if (IsPrint(rune))
                    {
                        builder.Append(rune.ToString());
                    }
                    else
                    {
                        builder.Append(r > 0xffff
                            ? string.Create(CultureInfo.InvariantCulture, $"\\U{r:x8}")
                            : string.Create(CultureInfo.InvariantCulture, $"\\u{r:x4}"));
                    }
                    break;
            }
        }
        return builder.Append('"');
    }

    /// <summary>Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.</summary>
    private static bool IsPrint(Rune rune) => rune.Value == ' ' || Rune.GetUnicodeCategory(rune) switch
    {
        <= UnicodeCategory.OtherNumber => true,
        >= UnicodeCategory.ConnectorPunctuation and <= UnicodeCategory.OtherSymbol => true,
        _ => false,
    };
}
