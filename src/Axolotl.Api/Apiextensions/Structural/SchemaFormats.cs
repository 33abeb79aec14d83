using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Axolotl.Api.Apiextensions.Structural;

/// <summary>
/// The string formats upstream's validator checks for custom resources (the common ones); a format it
/// does not know passes, as kube-openapi lets unknown formats through.
/// </summary>
public static partial class SchemaFormats
{
    public static bool IsValid(string format, string value) => format switch
    {
        "int32" or "int64" or "float" or "double" or "byte" or "password" or "binary" => true,
        "date" => DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly _),
        "date-time" or "datetime" => DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out _) && value.Contains('T', StringComparison.OrdinalIgnoreCase),
        "email" => Email().IsMatch(value),
        "ipv4" => IPAddress.TryParse(value, out var v4) && v4.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && value.Count(c => c == '.') == 3,
        "ipv6" => IPAddress.TryParse(value, out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6,
        "uri" => Uri.TryCreate(value, UriKind.Absolute, out _),
        "uuid" => Guid.TryParseExact(value, "D", out _),
        "hostname" => Hostname().IsMatch(value),
        _ => true,
    };

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+$")]
    private static partial Regex Email();

    [GeneratedRegex(@"^[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*$")]
    private static partial Regex Hostname();
}
