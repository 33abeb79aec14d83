using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Axolotl.Api.Selectors;

/// <summary>
/// Label key and value validation with upstream's messages (k8s.io/apimachinery/pkg/util/validation v0.32), and the
/// field.Error / aggregate formatting those messages are wrapped in, so clients see the text kubectl users know.
/// </summary>
internal static partial class LabelValidation
{
    private const string QualifiedNameFormat = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    private const string QualifiedNameMessage =
        "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    private const string LabelValueFormat = "(" + QualifiedNameFormat + ")?";
    private const string LabelValueMessage =
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    private const string Dns1123SubdomainFormat = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
    private const string Dns1123SubdomainMessage =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

    public const int LabelValueMaxLength = 63;
    private const int QualifiedNameMaxLength = 63;
    private const int Dns1123SubdomainMaxLength = 253;

    [GeneratedRegex("^" + QualifiedNameFormat + "\\z", RegexOptions.CultureInvariant)]
    private static partial Regex QualifiedName();

    [GeneratedRegex("^" + LabelValueFormat + "\\z", RegexOptions.CultureInvariant)]
    private static partial Regex LabelValue();

    [GeneratedRegex("^" + Dns1123SubdomainFormat + "\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1123Subdomain();

    /// <summary>Problems with a label key ("qualified name": optional DNS subdomain prefix, '/', name).</summary>
    public static List<string> LabelKeyErrors(string key)
    {
        var errors = new List<string>();
        var parts = key.Split('/');
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
                    errors.Add("prefix part must be non-empty");
                }
                else
                {
                    errors.AddRange(Dns1123SubdomainErrors(prefix).Select(e => "prefix part " + e));
                }
                break;
            default:
                errors.Add("a qualified name " + RegexError(QualifiedNameMessage, QualifiedNameFormat, "MyName", "my.name", "123-abc") +
                    " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
                return errors;
        }

        if (name.Length == 0)
        {
            errors.Add("name part must be non-empty");
        }
        else if (Encoding.UTF8.GetByteCount(name) > QualifiedNameMaxLength)
        {
            errors.Add("name part " + MaxLenError(QualifiedNameMaxLength));
        }
        if (!QualifiedName().IsMatch(name))
        {
            errors.Add("name part " + RegexError(QualifiedNameMessage, QualifiedNameFormat, "MyName", "my.name", "123-abc"));
        }
        return errors;
    }

    public static List<string> LabelValueErrors(string value)
    {
        var errors = new List<string>();
        if (Encoding.UTF8.GetByteCount(value) > LabelValueMaxLength)
        {
            errors.Add(MaxLenError(LabelValueMaxLength));
        }
        if (!LabelValue().IsMatch(value))
        {
            errors.Add(RegexError(LabelValueMessage, LabelValueFormat, "MyValue", "my_value", "12345"));
        }
        return errors;
    }

    private static List<string> Dns1123SubdomainErrors(string value)
    {
        var errors = new List<string>();
        if (Encoding.UTF8.GetByteCount(value) > Dns1123SubdomainMaxLength)
        {
            errors.Add(MaxLenError(Dns1123SubdomainMaxLength));
        }
        if (!Dns1123Subdomain().IsMatch(value))
        {
            errors.Add(RegexError(Dns1123SubdomainMessage, Dns1123SubdomainFormat, "example.com"));
        }
        return errors;
    }

    private static string MaxLenError(int length) => $"must be no more than {length} characters";

    private static string RegexError(string message, string format, params string[] examples)
    {
        var builder = new StringBuilder(message).Append(" (e.g. ");
        for (var i = 0; i < examples.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(" or ");
            }
            builder.Append('\'').Append(examples[i]).Append("', ");
        }
        return builder.Append("regex used for validation is '").Append(format).Append("')").ToString();
    }

    /// <summary>A field.Invalid error as text: <c>path: Invalid value: "v": detail</c>.</summary>
    public static string Invalid(string path, string renderedValue, string detail) => $"{path}: Invalid value: {renderedValue}: {detail}";

    /// <summary>Several errors the way an upstream aggregate prints them: alone, or "[a, b]" without duplicates.</summary>
    public static string Aggregate(IReadOnlyList<string> messages)
    {
        var distinct = messages.Distinct(StringComparer.Ordinal).ToList();
        return distinct.Count == 1 ? distinct[0] : "[" + string.Join(", ", distinct) + "]";
    }

    /// <summary>A string as Go's %q prints it.</summary>
    public static string Quote(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\r':
                    builder.Append("\\r");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                default:
                    if (char.IsControl(c))
                    {
                        builder.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }
                    break;
            }
        }
        return builder.Append('"').ToString();
    }

    /// <summary>A string list as Go's %#v prints a []string.</summary>
    public static string GoStringSlice(IReadOnlyList<string>? values) =>
        values is null ? "[]string(nil)" : "[]string{" + string.Join(", ", values.Select(Quote)) + "}";
}
