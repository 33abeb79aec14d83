using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Axolotl.Cel.Library;

/// <summary>
/// The checks behind Kubernetes' format library, with upstream's messages (apimachinery's validation package for the
/// names and labels, kube-openapi's strfmt for uuid, byte, date and datetime, Go's url.ParseRequestURI for uri).
/// Axolotl.Cel references nothing, so these are its own copies of the rules Axolotl.Api applies to objects.
/// Lengths count UTF-8 bytes and patterns match the whole string, as in Go.
/// </summary>
internal static partial class NamedFormats
{
    private const string Dns1123LabelFormat = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private const string Dns1123SubdomainFormat = Dns1123LabelFormat + "(\\." + Dns1123LabelFormat + ")*";
    private const string Dns1035LabelFormat = "[a-z]([-a-z0-9]*[a-z0-9])?";
    private const string QualifiedNameFormat = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    private const string LabelValueFormat = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";

    [GeneratedRegex("^" + Dns1123LabelFormat + "\\z")]
    private static partial Regex Dns1123Label();

    [GeneratedRegex("^" + Dns1123SubdomainFormat + "\\z")]
    private static partial Regex Dns1123Subdomain();

    [GeneratedRegex("^" + Dns1035LabelFormat + "\\z")]
    private static partial Regex Dns1035Label();

    [GeneratedRegex("^" + QualifiedNameFormat + "\\z")]
    private static partial Regex QualifiedNameRegex();

    [GeneratedRegex("^" + LabelValueFormat + "\\z")]
    private static partial Regex LabelValueRegex();

    [GeneratedRegex("^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}\\z")]
    private static partial Regex Uuid();

    [GeneratedRegex("^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})\\z")]
    private static partial Regex Base64();

    [GeneratedRegex("^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))\\z")]
    private static partial Regex TimeOfDay();

    public static IReadOnlyList<string> DnsLabel(string value, bool prefix)
    {
        value = prefix ? MaskTrailingDash(value) : value;
        var errors = MaxLength(value, 63);
        if (!Dns1123Label().IsMatch(value))
        {
            errors.Add(Dns1123Subdomain().IsMatch(value) ? "must not contain dots"
                : RegexError("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character", Dns1123LabelFormat, "my-name", "123-abc"));
        }
        return errors;
    }

    public static IReadOnlyList<string> DnsSubdomain(string value, bool prefix)
    {
        value = prefix ? MaskTrailingDash(value) : value;
        var errors = MaxLength(value, 253);
        if (!Dns1123Subdomain().IsMatch(value))
        {
            errors.Add(RegexError("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character", Dns1123SubdomainFormat, "example.com"));
        }
        return errors;
    }

    public static IReadOnlyList<string> Dns1035(string value, bool prefix)
    {
        value = prefix ? MaskTrailingDash(value) : value;
        var errors = MaxLength(value, 63);
        if (!Dns1035Label().IsMatch(value))
        {
            errors.Add(RegexError("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character", Dns1035LabelFormat, "my-name", "abc-123"));
        }
        return errors;
    }

    public static IReadOnlyList<string> QualifiedName(string value)
    {
        const string message = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
        var errors = new List<string>();
        var parts = value.Split('/');
        if (parts.Length > 2)
        {
            return ["a qualified name " + RegexError(message, QualifiedNameFormat, "MyName", "my.name", "123-abc") + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"];
        }
        var name = parts[^1];
        if (parts.Length == 2)
        {
            if (parts[0].Length == 0)
            {
                errors.Add("prefix part must be non-empty");
            }
            else
            {
                errors.AddRange(DnsSubdomain(parts[0], prefix: false).Select(m => "prefix part " + m));
            }
        }
        if (name.Length == 0)
        {
            errors.Add("name part must be non-empty");
        }
        else if (Encoding.UTF8.GetByteCount(name) > 63)
        {
            errors.Add("name part must be no more than 63 characters");
        }
        if (!QualifiedNameRegex().IsMatch(name))
        {
            errors.Add("name part " + RegexError(message, QualifiedNameFormat, "MyName", "my.name", "123-abc"));
        }
        return errors;
    }

    public static IReadOnlyList<string> LabelValue(string value)
    {
        var errors = MaxLength(value, 63);
        if (!LabelValueRegex().IsMatch(value))
        {
            errors.Add(RegexError("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", LabelValueFormat, "MyValue", "my_value", "12345"));
        }
        return errors;
    }

    public static IReadOnlyList<string> IsUuid(string value) => Uuid().IsMatch(value) ? [] : ["does not match the UUID format"];

    public static IReadOnlyList<string> IsByte(string value) => Base64().IsMatch(value) ? [] : ["invalid base64"];

    public static IReadOnlyList<string> IsDate(string value) => Date(value) ? [] : ["invalid date"];

    /// <summary>strfmt's IsDateTime: a date, a 't' (any case), a time of day with a zone; hours to 23, minutes and seconds to 59.</summary>
    public static IReadOnlyList<string> IsDateTime(string value)
    {
        if (value.Length >= 4)
        {
            var parts = value.ToLowerInvariant().Split('t');
            if (parts.Length >= 2 && Date(parts[0]) && TimeOfDay().Match(parts[1]) is { Success: true } m
                && string.CompareOrdinal(m.Groups[1].Value, "23") <= 0 && string.CompareOrdinal(m.Groups[2].Value, "59") <= 0
                && string.CompareOrdinal(m.Groups[3].Value, "59") <= 0)
            {
                return [];
            }
        }
        return ["invalid datetime"];
    }

    // Go's time.Parse("2006-01-02", s): four-digit year, two-digit month and a day that exists in it.
    private static bool Date(string value) =>
        value.Length == 10 && DateTime.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    /// <summary>
    /// Go's url.ParseRequestURI, reporting its error as Go prints it (<c>parse "x": invalid URI for request</c>): an absolute
    /// URI or an absolute path; no control characters; a scheme of letters, digits, '+', '-', '.' starting with a letter;
    /// a numeric port; valid percent escapes.
    /// </summary>
    public static IReadOnlyList<string> Uri(string value) => UriProblem(value) is { } problem ? [$"parse {Quote(value)}: {problem}"] : [];

    private static string? UriProblem(string raw)
    {
        if (raw.Any(c => c < 0x20 || c == 0x7f))
        {
            return "net/url: invalid control character in URL";
        }
        if (raw.Length == 0)
        {
            return "empty url";
        }
        if (raw == "*")
        {
            return null;
        }
        var rest = raw;
        var scheme = "";
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (char.IsAsciiLetter(c))
            {
                continue;
            }
            if (char.IsAsciiDigit(c) || c is '+' or '-' or '.')
            {
                if (i == 0)
                {
                    break;
                }
                continue;
            }
            if (c == ':')
            {
                if (i == 0)
                {
                    return "missing protocol scheme";
                }
                scheme = raw[..i];
                rest = raw[(i + 1)..];
            }
            break;
        }
        var query = rest.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            rest = rest[..query];
        }
        if (!rest.StartsWith('/'))
        {
            // A rootless path after a scheme is opaque; without one it cannot be a request URI.
            return scheme.Length > 0 ? null : "invalid URI for request";
        }
        if (scheme.Length > 0 && rest.StartsWith("//", StringComparison.Ordinal))
        {
            var authority = rest[2..];
            var slash = authority.IndexOf('/', StringComparison.Ordinal);
            rest = slash >= 0 ? authority[slash..] : "";
            authority = slash >= 0 ? authority[..slash] : authority;
            if (HostProblem(authority[(authority.LastIndexOf('@') + 1)..]) is { } hostProblem)
            {
                return hostProblem;
            }
        }
        return EscapeProblem(rest);
    }

    private static string? HostProblem(string host)
    {
        var portStart = host.StartsWith('[') ? host.IndexOf("]:", StringComparison.Ordinal) + 1 : host.LastIndexOf(':');
        if (portStart > 0 || (portStart == 0 && host.Length > 0 && host[0] == ':'))
        {
            var port = host[portStart..];
            if (port.Skip(1).Any(c => !char.IsAsciiDigit(c)))
            {
                return $"invalid port {Quote(port)} after host";
            }
        }
        return EscapeProblem(host);
    }

    private static string? EscapeProblem(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '%' && (i + 2 >= text.Length || !char.IsAsciiHexDigit(text[i + 1]) || !char.IsAsciiHexDigit(text[i + 2])))
            {
                var bad = text[i..Math.Min(i + 3, text.Length)];
                return $"invalid URL escape {Quote(bad)}";
            }
        }
        return null;
    }

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static string MaskTrailingDash(string name) => name.Length > 1 && name.EndsWith('-') ? name[..^2] + "a" : name;

    private static List<string> MaxLength(string value, int max) =>
        Encoding.UTF8.GetByteCount(value) > max ? [$"must be no more than {max} characters"] : [];

    private static string RegexError(string message, string format, params string[] examples) =>
        message + " (e.g. " + string.Concat(examples.Select((e, i) => (i > 0 ? " or " : "") + "'" + e + "', ")) + "regex used for validation is '" + format + "')";
}
