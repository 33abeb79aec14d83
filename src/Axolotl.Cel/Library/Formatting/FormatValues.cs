using System.Globalization;
using System.Text;
using Axolotl.Cel.Values;

namespace Axolotl.Cel.Library.Formatting;

/// <summary>
/// The runtime's clauses: cel-go's stringFormatter. <c>%s</c> prints scalars as <c>string()</c> does and lists and maps as
/// CEL literals (strings quoted, doubles with six decimals, map entries sorted by key, timestamps and durations as
/// <c>timestamp("…")</c>); the numeric clauses take only the types cel-go takes, with its messages.
/// </summary>
internal sealed class FormatValues : IFormatClauses<object>
{
    public static readonly FormatValues Instance = new();

    public string String(object arg) => arg switch
    {
        IReadOnlyList<object> list => List(list),
        CelMap map => Map(map),
        CelNull => "null",
        CelType type => type.Name,
        string or long or ulong or double or bool or DateTimeOffset or TimeSpan or CelBytes => Scalar(arg),
        _ => throw new FormatClauseException(
            $"string clause can only be used on strings, bools, bytes, ints, doubles, maps, lists, types, durations, and timestamps, was given {TypeName(arg)}"),
    };

    public string Decimal(object arg) => arg switch
    {
        long l => l.ToString(CultureInfo.InvariantCulture),
        ulong u => u.ToString(CultureInfo.InvariantCulture),
        _ => throw new FormatClauseException($"decimal clause can only be used on integers, was given {TypeName(arg)}"),
    };

    public string Fixed(object arg, int? precision) =>
        GoNumbers.Fixed(Floating(arg, "fixed-point clause"), precision ?? 6, grouped: true);

    public string Scientific(object arg, int? precision) => GoNumbers.Scientific(Floating(arg, "scientific clause"));

    public string Binary(object arg) => arg switch
    {
        long l => GoNumbers.InBase(l, 2),
        ulong u => GoNumbers.InBase(u, 2),
        bool b => b ? "1" : "0",
        _ => throw new FormatClauseException($"only integers and bools can be formatted as binary, was given {TypeName(arg)}"),
    };

    public string Hex(object arg, bool upper) => arg switch
    {
        long l => GoNumbers.InBase(l, 16, upper),
        ulong u => GoNumbers.InBase(u, 16, upper),
        string s => HexBytes(Encoding.UTF8.GetBytes(s), upper),
        CelBytes b => HexBytes(b.Data, upper),
        _ => throw new FormatClauseException($"only integers, byte buffers, and strings can be formatted as hex, was given {TypeName(arg)}"),
    };

    public string Octal(object arg) => arg switch
    {
        long l => GoNumbers.InBase(l, 8),
        ulong u => GoNumbers.InBase(u, 8),
        _ => throw new FormatClauseException($"octal clause can only be used on integers, was given {TypeName(arg)}"),
    };

    private static string TypeName(object v) => CelValues.TypeOf(v).Name;

    // %f and %e take a double, or one of the three strings that name the values a double literal cannot spell.
    private static double Floating(object arg, string clause) => arg switch
    {
        double d => d,
        "NaN" => double.NaN,
        "Infinity" => double.PositiveInfinity,
        "-Infinity" => double.NegativeInfinity,
        _ => throw new FormatClauseException($"{clause} can only be used on doubles, was given {TypeName(arg)}"),
    };

    private static string Scalar(object v) => v switch
    {
        string s => s,
        double d => GoNumbers.General(d),
        DateTimeOffset t => TimeFormat.FormatTimestamp(t),
        TimeSpan d => TimeFormat.FormatDuration(d),
        CelBytes b => Utf8(b),
        _ => CelValues.Format(v),
    };

    private static string Utf8(CelBytes b)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(b.Data);
        }
        catch (DecoderFallbackException)
        {
            throw new FormatClauseException("invalid UTF-8 in bytes, cannot convert to string");
        }
    }

    private static string HexBytes(byte[] data, bool upper) => upper ? Convert.ToHexString(data) : Convert.ToHexStringLower(data);

    private string List(IReadOnlyList<object> list) => "[" + string.Join(", ", list.Select(Member)) + "]";

    private string Map(CelMap map)
    {
        var entries = map.Entries.Select(e => (Key: MapKey(e.Key), Value: Member(e.Value))).ToList();
        // A stable sort on the quoted keys, compared as Go compares strings.
        var sorted = entries.OrderBy(e => e.Key, StringComparer.Ordinal);
        return "{" + string.Join(", ", sorted.Select(e => e.Key + ":" + e.Value)) + "}";
    }

    private static string MapKey(object key) => key switch
    {
        string s => GoQuoting.Quote(s),
        bool b => b ? "true" : "false",
        long or ulong => Scalar(key),
        _ => throw new FormatClauseException($"no formatting function for map key of type {TypeName(key)}"),
    };

    // An element of a list or map, spelled as a CEL literal would spell it.
    private string Member(object v) => v switch
    {
        string s => GoQuoting.Quote(s),
        CelBytes b => "b" + GoQuoting.Quote(Utf8(b)),
        long or ulong => Decimal(v),
        double d when double.IsFinite(d) => GoNumbers.Fixed(d, 6, grouped: false),
        double d => "\"" + GoNumbers.Fixed(d, 6, grouped: false) + "\"",
        DateTimeOffset t => $"timestamp({GoQuoting.Quote(TimeFormat.FormatTimestamp(t))})",
        TimeSpan d => $"duration({GoQuoting.Quote(TimeFormat.FormatDuration(d))})",
        bool or CelNull or CelType or IReadOnlyList<object> or CelMap => String(v),
        _ => throw new FormatClauseException($"no formatting function for {TypeName(v)}"),
    };
}
