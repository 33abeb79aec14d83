using System.Globalization;

namespace Axolotl.Api.Meta;

/// <summary>
/// The one reading of boolean and integer query parameters, shared by the API server and the node
/// agent so that every client's spelling means the same everywhere. It follows kube-apiserver's
/// query-to-options conversion (apimachinery runtime.Convert_Slice_string_To_bool / _To_int64), not a
/// stricter reading of our own:
/// <list type="bullet">
/// <item>a boolean is false when absent, "0" or "false" in any case ("False", "FALSE"), and true for
/// every other value: "true", "True" (the Python client), "1", "t", even "" (<c>?watch</c>). Upstream
/// never refuses a boolean, so neither do we.</item>
/// <item>an integer is Go's strconv.ParseInt(s, 10, 64): an optional sign and ASCII digits, nothing
/// else; anything else is refused with Go's error text, which kube-apiserver returns as a 400
/// BadRequest Status (e.g. <c>strconv.ParseInt: parsing "ten": invalid syntax</c>).</item>
/// </list>
/// Only the first value counts when a parameter is repeated, as in upstream's conversion.
/// <c>pretty</c> is the one exception upstream reads with strconv.ParseBool (<see cref="GoParseBool"/>).
/// </summary>
public static class QueryValues
{
    /// <summary>Upstream's conversion of a boolean query parameter; null (absent) is false.</summary>
    public static bool Bool(string? value) =>
        value is not null && value != "0" && !value.Equals("false", StringComparison.OrdinalIgnoreCase);

    /// <summary>For pointer fields (sendInitialEvents, force…): absent stays null.</summary>
    public static bool? OptionalBool(string? value) => value is null ? null : Bool(value);

    /// <summary>Go's strconv.ParseBool: 1 t T TRUE true True / 0 f F FALSE false False, anything else is not a boolean.</summary>
    public static bool? GoParseBool(string? value) => value switch
    {
        "1" or "t" or "T" or "TRUE" or "true" or "True" => true,
        "0" or "f" or "F" or "FALSE" or "false" or "False" => false,
        _ => null,
    };

    /// <summary>
    /// Go's strconv.ParseInt(value, 10, 64). On failure <paramref name="error"/> holds Go's message
    /// ("strconv.ParseInt: parsing \"x\": invalid syntax" or "… value out of range").
    /// </summary>
    public static bool TryParseInt64(string value, out long result, out string error)
    {
        result = 0;
        error = "";
        var digits = value.AsSpan();
        if (digits.Length > 0 && digits[0] is '+' or '-')
        {
            digits = digits[1..];
        }
        if (digits.Length == 0 || !AllAsciiDigits(digits))
        {
            error = Failure(value, "invalid syntax");
            return false;
        }
        // Only ASCII digits and one leading sign are left, so a failure here can only be the range.
        if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out result))
        {
            error = Failure(value, "value out of range");
            return false;
        }
        return true;
    }

    private static bool AllAsciiDigits(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }
        return true;
    }

    private static string Failure(string value, string why) => $"strconv.ParseInt: parsing {GoValue.Quote(value)}: {why}";
}
