using System.Text;
using System.Text.RegularExpressions;

namespace Axolotl.Api.Validation;

/// <summary>
/// The name and format checks of upstream's k8s.io/apimachinery/pkg/util/validation. Each returns
/// the list of problems as upstream's messages (empty when valid); callers wrap them in FieldErrors.
/// As in Go, lengths count UTF-8 bytes and a pattern must match the whole string (a trailing newline does not pass).
/// </summary>
public static partial class NameRules
{
    public const int DNS1123LabelMaxLength = 63;
    public const int DNS1123SubdomainMaxLength = 253;
    public const int DNS1035LabelMaxLength = 63;
    public const int LabelValueMaxLength = 63;
    public const int QualifiedNameMaxLength = 63;

    private const string QualifiedNameFormat = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    private const string QualifiedNameErrorMessage = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    private const string LabelValueFormat = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
    private const string LabelValueErrorMessage = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    private const string DNS1123LabelFormat = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private const string DNS1123LabelErrorMessage = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
    private const string DNS1123SubdomainFormat = DNS1123LabelFormat + "(\\." + DNS1123LabelFormat + ")*";
    private const string DNS1123SubdomainErrorMessage = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
    private const string DNS1035LabelFormat = "[a-z]([-a-z0-9]*[a-z0-9])?";
    private const string DNS1035LabelErrorMessage = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
    private const string ConfigMapKeyFormat = "[-._a-zA-Z0-9]+";
    private const string ConfigMapKeyErrorMessage = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'";
    private const string PercentFormat = "[0-9]+%";
    private const string PercentErrorMessage = "a valid percent string must be a numeric string followed by an ending '%'";
    private const string HttpHeaderNameFormat = "[-A-Za-z0-9]+";
    private const string HttpHeaderNameErrorMessage = "a valid HTTP header must consist of alphanumeric characters or '-'";
    private const string CIdentifierFormat = "[A-Za-z_][A-Za-z0-9_]*";
    private const string CIdentifierErrorMessage = "a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_'";
    private const string RelaxedEnvVarNameErrorMessage = "a valid environment variable name must consist only of printable ASCII characters other than '='";

    [GeneratedRegex("^" + QualifiedNameFormat + "\\z")]
    private static partial Regex QualifiedNameRegex();

    [GeneratedRegex("^" + LabelValueFormat + "\\z")]
    private static partial Regex LabelValueRegex();

    [GeneratedRegex("^" + DNS1123LabelFormat + "\\z")]
    private static partial Regex DNS1123LabelRegex();

    [GeneratedRegex("^" + DNS1123SubdomainFormat + "\\z")]
    private static partial Regex DNS1123SubdomainRegex();

    [GeneratedRegex("^" + DNS1035LabelFormat + "\\z")]
    private static partial Regex DNS1035LabelRegex();

    [GeneratedRegex("^" + ConfigMapKeyFormat + "\\z")]
    private static partial Regex ConfigMapKeyRegex();

    [GeneratedRegex("^" + PercentFormat + "\\z")]
    private static partial Regex PercentRegex();

    [GeneratedRegex("^" + HttpHeaderNameFormat + "\\z")]
    private static partial Regex HttpHeaderNameRegex();

    [GeneratedRegex("^" + CIdentifierFormat + "\\z")]
    private static partial Regex CIdentifierRegex();

    [GeneratedRegex("^[-a-z0-9]+\\z")]
    private static partial Regex PortNameCharsetRegex();

    /// <summary>A label key, annotation key or other "qualified name": an optional DNS subdomain prefix and a name.</summary>
    public static List<string> QualifiedName(string value)
    {
        var errors = new List<string>();
        var parts = value.Split('/');
        string name;
        switch (parts.Length)
        {
            case 1:
                name = parts[0];
                break;
            case 2:
                var prefix = parts[0];
                name = parts[1];
                if (prefix.Length == 0)
                {
                    errors.Add("prefix part " + EmptyError());
                }
                else
                {
                    errors.AddRange(DNS1123Subdomain(prefix).Select(m => "prefix part " + m));
                }
                break;
            default:
                errors.Add("a qualified name " + RegexError(QualifiedNameErrorMessage, QualifiedNameFormat, "MyName", "my.name", "123-abc") +
                           " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
                return errors;
        }

        if (name.Length == 0)
        {
            errors.Add("name part " + EmptyError());
        }
        else if (GoLength(name) > QualifiedNameMaxLength)
        {
            errors.Add("name part " + MaxLengthError(QualifiedNameMaxLength));
        }
        if (!QualifiedNameRegex().IsMatch(name))
        {
            errors.Add("name part " + RegexError(QualifiedNameErrorMessage, QualifiedNameFormat, "MyName", "my.name", "123-abc"));
        }
        return errors;
    }

    public static List<string> LabelValue(string value)
    {
        var errors = new List<string>();
        if (GoLength(value) > LabelValueMaxLength)
        {
            errors.Add(MaxLengthError(LabelValueMaxLength));
        }
        if (!LabelValueRegex().IsMatch(value))
        {
            errors.Add(RegexError(LabelValueErrorMessage, LabelValueFormat, "MyValue", "my_value", "12345"));
        }
        return errors;
    }

    public static List<string> DNS1123Label(string value)
    {
        var errors = new List<string>();
        if (GoLength(value) > DNS1123LabelMaxLength)
        {
            errors.Add(MaxLengthError(DNS1123LabelMaxLength));
        }
        if (!DNS1123LabelRegex().IsMatch(value))
        {
            errors.Add(DNS1123SubdomainRegex().IsMatch(value)
                ? "must not contain dots"
                : RegexError(DNS1123LabelErrorMessage, DNS1123LabelFormat, "my-name", "123-abc"));
        }
        return errors;
    }

    public static List<string> DNS1123Subdomain(string value)
    {
        var errors = new List<string>();
        if (GoLength(value) > DNS1123SubdomainMaxLength)
        {
            errors.Add(MaxLengthError(DNS1123SubdomainMaxLength));
        }
        if (!DNS1123SubdomainRegex().IsMatch(value))
        {
            errors.Add(RegexError(DNS1123SubdomainErrorMessage, DNS1123SubdomainFormat, "example.com"));
        }
        return errors;
    }

    public static List<string> DNS1035Label(string value)
    {
        var errors = new List<string>();
        if (GoLength(value) > DNS1035LabelMaxLength)
        {
            errors.Add(MaxLengthError(DNS1035LabelMaxLength));
        }
        if (!DNS1035LabelRegex().IsMatch(value))
        {
            errors.Add(RegexError(DNS1035LabelErrorMessage, DNS1035LabelFormat, "my-name", "abc-123"));
        }
        return errors;
    }

    public static List<string> ConfigMapKey(string value)
    {
        var errors = new List<string>();
        if (GoLength(value) > DNS1123SubdomainMaxLength)
        {
            errors.Add(MaxLengthError(DNS1123SubdomainMaxLength));
        }
        if (!ConfigMapKeyRegex().IsMatch(value))
        {
            errors.Add(RegexError(ConfigMapKeyErrorMessage, ConfigMapKeyFormat, "key.name", "KEY_NAME", "key-name"));
        }
        errors.AddRange(ChangeDirectoryPrefix(value));
        return errors;
    }

    /// <summary>An IANA service name as a container or service port name.</summary>
    public static List<string> PortName(string port)
    {
        var errors = new List<string>();
        if (GoLength(port) > 15)
        {
            errors.Add(MaxLengthError(15));
        }
        if (!PortNameCharsetRegex().IsMatch(port))
        {
            errors.Add("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
        }
        if (!port.Any(c => c is >= 'a' and <= 'z'))
        {
            errors.Add("must contain at least one letter (a-z)");
        }
        if (port.Contains("--", StringComparison.Ordinal))
        {
            errors.Add("must not contain consecutive hyphens");
        }
        if (port.Length > 0 && (port[0] == '-' || port[^1] == '-'))
        {
            errors.Add("must not begin or end with a hyphen");
        }
        return errors;
    }

    public static List<string> PortNumber(long port) => port is >= 1 and <= 65535 ? [] : [InclusiveRangeError(1, 65535)];

    public static List<string> Percent(string value) =>
        PercentRegex().IsMatch(value) ? [] : [RegexError(PercentErrorMessage, PercentFormat, "1%", "93%")];

    public static List<string> HttpHeaderName(string value) =>
        HttpHeaderNameRegex().IsMatch(value) ? [] : [RegexError(HttpHeaderNameErrorMessage, HttpHeaderNameFormat, "X-Header-Name")];

    public static List<string> CIdentifier(string value) =>
        CIdentifierRegex().IsMatch(value) ? [] : [RegexError(CIdentifierErrorMessage, CIdentifierFormat, "my_name", "MY_NAME", "MyName")];

    /// <summary>Environment variable names under the relaxed rule (on by default since v1.32): printable ASCII except '='.</summary>
    public static List<string> RelaxedEnvVarName(string value)
    {
        var errors = new List<string>();
        if (value.Length == 0)
        {
            errors.Add("environment variable name " + EmptyError());
        }
        if (value.Any(c => c > 0x7e || c < 0x20 || c == '='))
        {
            errors.Add(RelaxedEnvVarNameErrorMessage);
        }
        return errors;
    }

    public static List<string> UserId(long id) => id is >= 0 and <= int.MaxValue ? [] : [InclusiveRangeError(0, int.MaxValue)];

    /// <summary>Upstream's ValidateNameFunc for generateName: a trailing dash is allowed because a suffix follows.</summary>
    public static string MaskTrailingDash(string name) =>
        // Upstream replaces the last two characters with "a"; kept identical so the same prefixes pass.
        name.Length > 1 && name.EndsWith('-') ? name[..^2] + "a" : name;

    /// <summary>Go's len of a string: its length in UTF-8 bytes.</summary>
    private static int GoLength(string value) => Encoding.UTF8.GetByteCount(value);

    public static string MaxLengthError(int length) => $"must be no more than {length} characters";

    public static string EmptyError() => "must be non-empty";

    public static string InclusiveRangeError(long low, long high) => $"must be between {low} and {high}, inclusive";

    public static string RegexError(string message, string format, params string[] examples)
    {
        if (examples.Length == 0)
        {
            return message + " (regex used for validation is '" + format + "')";
        }
        var text = message + " (e.g. ";
        for (var i = 0; i < examples.Length; i++)
        {
            if (i > 0)
            {
                text += " or ";
            }
            text += "'" + examples[i] + "', ";
        }
        return text + "regex used for validation is '" + format + "')";
    }

    private static List<string> ChangeDirectoryPrefix(string value) => value switch
    {
        "." => ["must not be '.'"],
        ".." => ["must not be '..'"],
        _ when value.StartsWith("..", StringComparison.Ordinal) => ["must not start with '..'"],
        _ => [],
    };
}
