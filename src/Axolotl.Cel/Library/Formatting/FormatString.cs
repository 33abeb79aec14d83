using System.Globalization;

namespace Axolotl.Cel.Library.Formatting;

/// <summary>
/// The clauses of <c>&lt;string&gt;.format(&lt;list&gt;)</c> (cel-go's strings extension, version 1 and up): what each does with
/// one argument. The runtime formats values; the checker only verifies the argument's type (<see cref="FormatString"/>
/// drives both, so they read a format string the same way).
/// </summary>
internal interface IFormatClauses<in TArg>
{
    string String(TArg arg);

    string Decimal(TArg arg);

    string Fixed(TArg arg, int? precision);

    string Scientific(TArg arg, int? precision);

    string Binary(TArg arg);

    string Hex(TArg arg, bool upper);

    string Octal(TArg arg);
}

/// <summary>A clause that cannot format its argument; <paramref name="Position"/> is the argument's, when the checker knows it.</summary>
internal sealed class FormatClauseException(string message, int? position = null) : Exception(message)
{
    public int? Position { get; } = position;
}

/// <summary>
/// Reads a format string as cel-go's parseFormatString does: <c>%%</c> is a percent sign, every other <c>%</c> takes the
/// next argument through a clause <c>s d f e b x X o</c>, <c>f</c> and <c>e</c> with an optional <c>.N</c> precision.
/// Errors carry cel-go's words ("index 2 out of range", "could not parse formatting clause: …", "error during
/// formatting: …").
/// </summary>
internal static class FormatString
{
    /// <summary>A precision beyond this is refused: cel-go would print that many digits, at no cost the budget sees.</summary>
    public const int MaxPrecision = 1000;

    /// <summary>The formatted string; <paramref name="used"/> is how many arguments the clauses took.</summary>
    public static string Apply<TArg>(string format, IReadOnlyList<TArg> args, IFormatClauses<TArg> clauses, out int used)
    {
        var sb = new System.Text.StringBuilder(format.Length);
        used = 0;
        var i = 0;
        while (i < format.Length)
        {
            if (format[i] != '%')
            {
                sb.Append(format[i++]);
                continue;
            }
            if (i + 1 < format.Length && format[i + 1] == '%')
            {
                sb.Append('%');
                i += 2;
                continue;
            }
            if (used >= args.Count)
            {
                throw new FormatClauseException($"index {used} out of range");
            }
            if (i + 1 >= format.Length)
            {
                throw new FormatClauseException("unexpected end of string");
            }
            i++;
            var (clause, precision) = ReadClause(format, ref i);
            var arg = args[used++];
            try
            {
                sb.Append(clause switch
                {
                    's' => clauses.String(arg),
                    'd' => clauses.Decimal(arg),
                    'f' => clauses.Fixed(arg, precision),
                    'e' => clauses.Scientific(arg, precision),
                    'b' => clauses.Binary(arg),
                    'x' or 'X' => clauses.Hex(arg, upper: clause == 'X'),
                    _ => clauses.Octal(arg),
                });
            }
            catch (FormatClauseException e)
            {
                throw new FormatClauseException("error during formatting: " + e.Message, e.Position);
            }
        }
        return sb.ToString();
    }

    private static (char Clause, int? Precision) ReadClause(string format, ref int i)
    {
        int? precision = null;
        if (format[i] == '.')
        {
            var start = ++i;
            while (true)
            {
                if (i >= format.Length)
                {
                    throw Unparsable("error while parsing precision: could not find end of precision specifier");
                }
                if (format[i] is < '0' or > '9')
                {
                    break;
                }
                i++;
            }
            var digits = format[start..i];
            if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                var why = digits.Length == 0 ? "invalid syntax" : "value out of range";
                throw Unparsable($"error while parsing precision: error while converting precision to integer: strconv.Atoi: parsing \"{digits}\": {why}");
            }
            if (value > MaxPrecision)
            {
                throw Unparsable($"error while parsing precision: precision {value} is larger than {MaxPrecision}");
            }
            precision = value;
        }
        var clause = format[i++];
        return clause is 's' or 'd' or 'f' or 'e' or 'b' or 'x' or 'X' or 'o'
            ? (clause, precision)
            : throw Unparsable($"unrecognized formatting clause \"{clause}\"");
    }

    private static FormatClauseException Unparsable(string why) => new("could not parse formatting clause: " + why);
}
