using System.Globalization;
using System.Text;

namespace Axolotl.Api.Selectors;

/// <summary>
/// A parsed field selector (upstream's fields.Selector): <c>field=value</c>, <c>field==value</c> and
/// <c>field!=value</c> terms joined by commas, all of which must hold. In values, <c>\,</c>, <c>\=</c> and <c>\\</c>
/// stand for ',', '=' and '\'. Which fields a kind supports is the API server's decision: see <see cref="RequireSupported"/>.
/// </summary>
public sealed class FieldSelector
{
    private static readonly string[] TermOperators = ["!=", "==", "="];

    private readonly FieldRequirement[] _requirements;

    private FieldSelector(FieldRequirement[] requirements, bool matchesNothing)
    {
        _requirements = requirements;
        MatchesNothing = matchesNothing;
    }

    /// <summary>The empty selector: matches every object.</summary>
    public static FieldSelector Everything { get; } = new([], matchesNothing: false);

    public static FieldSelector Nothing { get; } = new([], matchesNothing: true);

    /// <summary>The terms in upstream's order (sorted by their text).</summary>
    public IReadOnlyList<FieldRequirement> Requirements => _requirements;

    public bool IsEmpty => !MatchesNothing && _requirements.Length == 0;

    public bool MatchesNothing { get; }

    /// <summary>Parses <c>a=b,c!=d</c>. Empty text is <see cref="Everything"/>; whitespace is not trimmed (as upstream).</summary>
    /// <exception cref="FormatException">A term has no operator or a value has a bad escape (upstream's message).</exception>
    public static FieldSelector Parse(string? text)
    {
        var selector = text ?? "";
        var terms = SplitTerms(selector);
        terms.Sort(StringComparer.Ordinal);
        var requirements = new List<FieldRequirement>();
        foreach (var term in terms)
        {
            if (term.Length == 0)
            {
                continue;
            }
            var (field, op, rawValue) = SplitTerm(term)
                ?? throw new FormatException($"invalid selector: '{selector}'; can't understand '{term}'");
            var value = UnescapeValue(rawValue);
            if (field.Length == 0 && value.Length == 0)
            {
                continue;
            }
            requirements.Add(new FieldRequirement(field, op == "!=" ? SelectionOperator.NotEquals : SelectionOperator.Equals, value));
        }
        return requirements.Count == 0 ? Everything : new FieldSelector([.. requirements], matchesNothing: false);
    }

    public static bool TryParse(string? text, out FieldSelector selector)
    {
        try
        {
            selector = Parse(text);
            return true;
        }
        catch (FormatException)
        {
            selector = Nothing;
            return false;
        }
    }

    /// <summary>Requires each field to equal the given value. Null or empty is <see cref="Everything"/>.</summary>
    public static FieldSelector FromSet(IReadOnlyDictionary<string, string>? fields)
    {
        if (fields is null || fields.Count == 0)
        {
            return Everything;
        }
        var requirements = fields
            .Select(p => new FieldRequirement(p.Key, SelectionOperator.Equals, p.Value))
            .OrderBy(r => r.ToString(), StringComparer.Ordinal)
            .ToArray();
        return new FieldSelector(requirements, matchesNothing: false);
    }

    /// <summary>True if every term holds; <paramref name="fieldValue"/> returns the object's value of a field (null counts as "").</summary>
    public bool Matches(Func<string, string?> fieldValue)
    {
        ArgumentNullException.ThrowIfNull(fieldValue);
        if (MatchesNothing)
        {
            return false;
        }
        foreach (var requirement in _requirements)
        {
            if (!requirement.Matches(fieldValue))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The value an equality term pins <paramref name="field"/> to, e.g. metadata.name for a single-object watch.</summary>
    public bool TryGetExactMatch(string field, out string value)
    {
        foreach (var requirement in _requirements)
        {
            if (requirement.Field == field && requirement.Operator == SelectionOperator.Equals)
            {
                value = requirement.Value;
                return true;
            }
        }
        value = "";
        return false;
    }

    /// <summary>The first field the kind does not support, or null.</summary>
    public string? FindUnsupported(Func<string, bool> isSupported)
    {
        ArgumentNullException.ThrowIfNull(isSupported);
        return _requirements.FirstOrDefault(r => !isSupported(r.Field))?.Field;
    }

    /// <summary>Throws upstream's <c>field label not supported: &lt;field&gt;</c> (a 400 BadRequest) for a field not in <paramref name="supported"/>.</summary>
    /// <exception cref="FormatException">A term names an unsupported field.</exception>
    public void RequireSupported(IEnumerable<string> supported)
    {
        ArgumentNullException.ThrowIfNull(supported);
        var set = supported as IReadOnlySet<string> ?? supported.ToHashSet(StringComparer.Ordinal);
        if (FindUnsupported(set.Contains) is { } field)
        {
            throw new FormatException($"field label not supported: {field}");
        }
    }

    /// <summary>Upstream's text: the terms joined by commas, values escaped; "" for <see cref="Everything"/>.</summary>
    public override string ToString() => string.Join(",", _requirements.Select(r => r.ToString()));

    /// <summary>Escapes '\', ',' and '=' in a value so it can be put into a selector (upstream's fields.EscapeValue).</summary>
    public static string EscapeValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace(",", "\\,", StringComparison.Ordinal)
            .Replace("=", "\\=", StringComparison.Ordinal);
    }

    /// <summary>Reverses <see cref="EscapeValue"/>.</summary>
    /// <exception cref="FormatException">An unknown escape, a trailing '\', or an unescaped ',' or '='.</exception>
    public static string UnescapeValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.IndexOfAny(['\\', ',', '=']) < 0)
        {
            return value;
        }
        var builder = new StringBuilder(value.Length);
        var escaped = false;
        foreach (var c in value)
        {
            if (escaped)
            {
                if (c is not ('\\' or ',' or '='))
                {
                    throw new FormatException($"invalid field selector: invalid escape sequence: \\{c}");
                }
                builder.Append(c);
                escaped = false;
                continue;
            }
            switch (c)
            {
                case '\\':
                    escaped = true;
                    break;
                case ',' or '=':
                    // Upstream prints the rune with %v, i.e. as its code point number.
                    throw new FormatException($"invalid field selector: unescaped character in value: {((int)c).ToString(CultureInfo.InvariantCulture)}");
                default:
                    builder.Append(c);
                    break;
            }
        }
        if (escaped)
        {
            throw new FormatException("invalid field selector: invalid escape sequence: \\");
        }
        return builder.ToString();
    }

    // Splits on commas that are not escaped; the escape itself stays for UnescapeValue.
    private static List<string> SplitTerms(string selector)
    {
        var terms = new List<string>();
        if (selector.Length == 0)
        {
            return terms;
        }
        var start = 0;
        var escaped = false;
        for (var i = 0; i < selector.Length; i++)
        {
            var c = selector[i];
            if (escaped)
            {
                escaped = false;
            }
            else if (c == '\\')
            {
                escaped = true;
            }
            else if (c == ',')
            {
                terms.Add(selector[start..i]);
                start = i + 1;
            }
        }
        terms.Add(selector[start..]);
        return terms;
    }

    // The first operator occurrence splits the term; at each position "!=" and "==" win over "=".
    private static (string Field, string Operator, string Value)? SplitTerm(string term)
    {
        for (var i = 0; i < term.Length; i++)
        {
            foreach (var op in TermOperators)
            {
                if (term.AsSpan(i).StartsWith(op, StringComparison.Ordinal))
                {
                    return (term[..i], op, term[(i + op.Length)..]);
                }
            }
        }
        return null;
    }
}
