using System.Globalization;
using System.Numerics;
using System.Text;

namespace Axolotl.Cel.Values;

/// <summary>
/// Numbers spelled as cel-go spells them, which is Go's spelling: <c>string(double)</c> is Go's <c>%g</c> (shortest digits,
/// exponent form below 1e-4 and from 1e6), integers in other bases carry a sign instead of two's complement, and
/// <c>format</c>'s <c>%f</c>/<c>%e</c> go through golang.org/x/text's en-US printer (grouped thousands, "∞", and
/// "1.5 × 10⁰³" for scientific notation).
/// </summary>
internal static class GoNumbers
{
    /// <summary>Go's <c>fmt.Sprintf("%g", d)</c>.</summary>
    public static string General(double d)
    {
        if (double.IsNaN(d))
        {
            return "NaN";
        }
        if (double.IsInfinity(d))
        {
            return d > 0 ? "+Inf" : "-Inf";
        }
        var (negative, digits, point) = ShortestDigits(d);
        var sb = new StringBuilder();
        if (negative)
        {
            sb.Append('-');
        }
        var exponent = point - 1;
        if (digits.Length > 0 && (exponent < -4 || exponent >= 6))
        {
            sb.Append(digits[0]);
            if (digits.Length > 1)
            {
                sb.Append('.').Append(digits, 1, digits.Length - 1);
            }
            sb.Append('e').Append(exponent < 0 ? '-' : '+');
            var magnitude = Math.Abs(exponent);
            sb.Append(magnitude < 10 ? "0" : "").Append(magnitude.ToString(CultureInfo.InvariantCulture));
            return sb.ToString();
        }
        if (digits.Length == 0)
        {
            return sb.Append('0').ToString();
        }
        if (point <= 0)
        {
            return sb.Append("0.").Append('0', -point).Append(digits).ToString();
        }
        if (point >= digits.Length)
        {
            return sb.Append(digits).Append('0', point - digits.Length).ToString();
        }
        return sb.Append(digits, 0, point).Append('.').Append(digits, point, digits.Length - point).ToString();
    }

    /// <summary>
    /// Go's <c>%.Nf</c> (<paramref name="grouped"/> false), or golang.org/x/text's en-US one: thousands grouped with
    /// commas and infinities as ∞. Both round the exact value half to even.
    /// </summary>
    public static string Fixed(double d, int precision, bool grouped)
    {
        if (double.IsNaN(d) || double.IsInfinity(d))
        {
            return grouped ? NotFinite(d) : double.IsNaN(d) ? "NaN" : d > 0 ? "+Inf" : "-Inf";
        }
        var (digits, scale) = ExactDecimal(d);
        var rounded = RoundHalfEven(digits, scale - precision);
        var text = rounded.ToString(CultureInfo.InvariantCulture).PadLeft(precision + 1, '0');
        var integer = text[..^precision];
        var sb = new StringBuilder();
        if (double.IsNegative(d))
        {
            sb.Append('-');
        }
        for (var i = 0; i < integer.Length; i++)
        {
            if (grouped && i > 0 && (integer.Length - i) % 3 == 0)
            {
                sb.Append(',');
            }
            sb.Append(integer[i]);
        }
        if (precision > 0)
        {
            sb.Append('.').Append(text, text.Length - precision, precision);
        }
        return sb.ToString();
    }

    /// <summary>
    /// golang.org/x/text's en-US <c>%e</c> as cel-go calls it: six fraction digits whatever precision was asked (cel-go
    /// passes the precision as a width), then " × 10" and the exponent in superscript digits, at least two of them.
    /// </summary>
    public static string Scientific(double d)
    {
        const int Fraction = 6;
        if (double.IsNaN(d) || double.IsInfinity(d))
        {
            return NotFinite(d);
        }
        var (digits, scale) = ExactDecimal(d);
        var exponent = 0;
        var mantissa = BigInteger.Zero;
        if (!digits.IsZero)
        {
            var length = digits.ToString(CultureInfo.InvariantCulture).Length;
            exponent = length - 1 - scale;
            mantissa = RoundHalfEven(digits, length - 1 - Fraction);
            if (mantissa >= BigInteger.Pow(10, Fraction + 1))
            {
                mantissa /= 10;
                exponent++;
            }
        }
        var text = mantissa.ToString(CultureInfo.InvariantCulture).PadLeft(Fraction + 1, '0');
        var sb = new StringBuilder();
        if (double.IsNegative(d))
        {
            sb.Append('-');
        }
        sb.Append(text[0]).Append('.').Append(text, 1, Fraction).Append("\u202f×\u202f10");
        if (exponent < 0)
        {
            sb.Append('⁻');
        }
        foreach (var c in Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture))
        {
            sb.Append(Superscript[c - '0']);
        }
        return sb.ToString();
    }

    private static string NotFinite(double d) => double.IsNaN(d) ? "NaN" : d > 0 ? "∞" : "-∞";

    // |d| = Digits / 10^Scale exactly: a double is m × 2^e, and m × 2^-k = m × 5^k / 10^k.
    private static (BigInteger Digits, int Scale) ExactDecimal(double d)
    {
        var bits = BitConverter.DoubleToInt64Bits(Math.Abs(d));
        var exponentBits = (int)((bits >> 52) & 0x7FF);
        var mantissa = bits & 0xFFFFFFFFFFFFFL;
        var exponent = exponentBits == 0 ? -1074 : exponentBits - 1075;
        if (exponentBits != 0)
        {
            mantissa |= 1L << 52;
        }
        return exponent >= 0
            ? (new BigInteger(mantissa) << exponent, 0)
            : (new BigInteger(mantissa) * BigInteger.Pow(5, -exponent), -exponent);
    }

    // Drops the last `drop` decimal digits of `digits` (or appends zeros when negative), rounding half to even as Go's
    // strconv does on the exact value.
    private static BigInteger RoundHalfEven(BigInteger digits, int drop)
    {
        if (drop <= 0)
        {
            return digits * BigInteger.Pow(10, -drop);
        }
        var divisor = BigInteger.Pow(10, drop);
        var quotient = BigInteger.DivRem(digits, divisor, out var remainder);
        var twice = remainder * 2;
        return twice > divisor || (twice == divisor && !quotient.IsEven) ? quotient + 1 : quotient;
    }

    /// <summary>Go's <c>%b</c>, <c>%o</c>, <c>%x</c>, <c>%X</c> of an int: a minus sign and the magnitude.</summary>
    public static string InBase(long value, int radix, bool upper = false) =>
        value < 0 ? "-" + InBase(unchecked((ulong)(-(value + 1)) + 1), radix, upper) : InBase((ulong)value, radix, upper);

    public static string InBase(ulong value, int radix, bool upper = false)
    {
        if (value == 0)
        {
            return "0";
        }
        var alphabet = upper ? "0123456789ABCDEF" : "0123456789abcdef";
        Span<char> buffer = stackalloc char[64];
        var i = buffer.Length;
        while (value > 0)
        {
            buffer[--i] = alphabet[(int)(value % (ulong)radix)];
            value /= (ulong)radix;
        }
        return new string(buffer[i..]);
    }

    private const string Superscript = "⁰¹²³⁴⁵⁶⁷⁸⁹";

    // The shortest digits that read back as d (what .NET's "R" gives), without leading or trailing zeros, and where the
    // decimal point goes: 0.00125 is ("125", -2), 1500 is ("15", 4), zero is ("", 0).
    private static (bool Negative, string Digits, int Point) ShortestDigits(double d)
    {
        var text = d.ToString("R", CultureInfo.InvariantCulture);
        var negative = text.StartsWith('-');
        if (negative)
        {
            text = text[1..];
        }
        var exponent = 0;
        var e = text.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        var integerDigits = dot < 0 ? text.Length : dot;
        var all = dot < 0 ? text : text.Remove(dot, 1);
        var leading = 0;
        while (leading < all.Length && all[leading] == '0')
        {
            leading++;
        }
        var digits = all[leading..].TrimEnd('0');
        return (negative, digits, digits.Length == 0 ? 0 : integerDigits - leading + exponent);
    }
}
