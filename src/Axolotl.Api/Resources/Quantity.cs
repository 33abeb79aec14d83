using System.ComponentModel;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Resources;

/// <summary>
/// A Kubernetes resource quantity (resource.Quantity): "250m", "1.5Gi", "2", "1e3".
/// The value is held exactly as a whole number of nano-units, which is the finest precision the
/// API keeps (anything smaller is rounded up to 1n on parse, as upstream does so that asking for a
/// little of a resource never becomes asking for none). Equality and ordering use the value only;
/// the format is remembered so that ToString writes the canonical form in the client's style.
/// </summary>
[JsonConverter(typeof(QuantityJsonConverter))]
[Description("A fixed-point number with an optional SI or binary suffix, such as 500m, 128Mi or 2.")]
public readonly struct Quantity : IEquatable<Quantity>, IComparable<Quantity>, IComparable
{
    /// <summary>The regular expression upstream quotes when a quantity does not parse.</summary>
    public const string FormatPattern = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";

    public const string FormatWrongMessage = "quantities must match the regular expression '" + FormatPattern + "'";
    public const string NumericMessage = "unable to parse numeric part of quantity";
    public const string SuffixMessage = "unable to parse quantity's suffix";

    private static readonly BigInteger NanosPerUnit = 1_000_000_000;

    // Binary quantities are capped at the int64 maximum, as upstream caps them.
    private static readonly BigInteger MaxBinaryNanos = new BigInteger(long.MaxValue) * NanosPerUnit;

    private readonly BigInteger _nanos;

    private Quantity(BigInteger nanos, QuantityFormat format)
    {
        _nanos = nanos;
        Format = format;
    }

    public QuantityFormat Format { get; }

    public static Quantity Zero { get; }

    public bool IsZero => _nanos.IsZero;

    public int Sign => _nanos.Sign;

    /// <summary>The exact value in units of 10^-9.</summary>
    public BigInteger Nanos => _nanos;

    public static Quantity FromNanos(BigInteger nanos, QuantityFormat format = QuantityFormat.DecimalSI) => new(nanos, format);

    public static Quantity FromUnits(long value, QuantityFormat format = QuantityFormat.DecimalSI) => new(value * NanosPerUnit, format);

    public static Quantity FromMilli(long milli, QuantityFormat format = QuantityFormat.DecimalSI) => new(milli * (BigInteger)1_000_000, format);

    /// <summary>A byte count written with binary suffixes (1Gi, 512Mi).</summary>
    public static Quantity FromBytes(long bytes) => new(bytes * NanosPerUnit, QuantityFormat.BinarySI);

    public static Quantity Parse(string text) =>
        TryParse(text, out var quantity, out var error) ? quantity : throw new FormatException(error);

    public static bool TryParse(string? text, out Quantity quantity) => TryParse(text, out quantity, out _);

    /// <summary>Parses like upstream's ParseQuantity; error is upstream's message when it fails.</summary>
    public static bool TryParse(string? text, out Quantity quantity, out string? error)
    {
        quantity = default;
        error = null;
        if (string.IsNullOrEmpty(text))
        {
            error = FormatWrongMessage;
            return false;
        }

        if (!SplitNumber(text, out var positive, out var whole, out var fraction, out var suffix))
        {
            error = FormatWrongMessage;
            return false;
        }

        if (!InterpretSuffix(suffix, out var isBinary, out var exponent, out var format))
        {
            error = SuffixMessage;
            return false;
        }

        var digits = whole + fraction;
        var mantissa = digits.Length == 0 ? BigInteger.Zero : BigInteger.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);

        // value = mantissa * 10^-fraction.Length * base^exponent; express it in nanos, rounding up.
        BigInteger numerator = mantissa;
        BigInteger denominator = BigInteger.Pow(10, fraction.Length);
        if (isBinary)
        {
            numerator <<= exponent;
        }
        else if (exponent >= 0)
        {
            if (exponent > 1000)
            {
                error = NumericMessage;
                return false;
            }
            numerator *= BigInteger.Pow(10, exponent);
        }
        else
        {
            if (-exponent > 1000)
            {
                // Far below a nano-unit: any non-zero amount rounds up to 1n.
                numerator = mantissa.IsZero ? BigInteger.Zero : BigInteger.One;
                denominator = NanosPerUnit;
            }
            else
            {
                denominator *= BigInteger.Pow(10, -exponent);
            }
        }

        var nanos = CeilingDivide(numerator * NanosPerUnit, denominator);
        if (format == QuantityFormat.BinarySI)
        {
            if (nanos > MaxBinaryNanos)
            {
                nanos = MaxBinaryNanos;
            }
            if (nanos > 0 && nanos < NanosPerUnit)
            {
                format = QuantityFormat.DecimalSI;
            }
        }

        quantity = new Quantity(positive ? nanos : -nanos, format);
        return true;
    }

    /// <summary>Splits "-1.5Gi" into sign, "1", "5" and "Gi", following upstream's hand-written scanner.</summary>
    private static bool SplitNumber(string text, out bool positive, out string whole, out string fraction, out string suffix)
    {
        positive = true;
        whole = "";
        fraction = "";
        suffix = "";
        var pos = 0;
        if (text[0] is '-' or '+')
        {
            positive = text[0] == '+';
            pos++;
        }

        var start = pos;
        while (pos < text.Length && char.IsAsciiDigit(text[pos]))
        {
            pos++;
        }
        whole = text[start..pos];

        if (pos < text.Length && text[pos] == '.')
        {
            pos++;
            start = pos;
            while (pos < text.Length && char.IsAsciiDigit(text[pos]))
            {
                pos++;
            }
            fraction = text[start..pos];
        }

        var suffixStart = pos;
        while (pos < text.Length && "eEinumkKMGTP".Contains(text[pos], StringComparison.Ordinal))
        {
            pos++;
        }
        if (pos < text.Length && text[pos] is '-' or '+')
        {
            pos++;
        }
        while (pos < text.Length && char.IsAsciiDigit(text[pos]))
        {
            pos++;
        }
        suffix = text[suffixStart..];
        return pos == text.Length;
    }

    private static bool InterpretSuffix(string suffix, out bool isBinary, out int exponent, out QuantityFormat format)
    {
        isBinary = false;
        format = QuantityFormat.DecimalSI;
        switch (suffix)
        {
            case "n": exponent = -9; return true;
            case "u": exponent = -6; return true;
            case "m": exponent = -3; return true;
            case "": exponent = 0; return true;
            case "k": exponent = 3; return true;
            case "M": exponent = 6; return true;
            case "G": exponent = 9; return true;
            case "T": exponent = 12; return true;
            case "P": exponent = 15; return true;
            case "E": exponent = 18; return true;
        }

        isBinary = true;
        format = QuantityFormat.BinarySI;
        switch (suffix)
        {
            case "Ki": exponent = 10; return true;
            case "Mi": exponent = 20; return true;
            case "Gi": exponent = 30; return true;
            case "Ti": exponent = 40; return true;
            case "Pi": exponent = 50; return true;
            case "Ei": exponent = 60; return true;
        }

        isBinary = false;
        format = QuantityFormat.DecimalExponent;
        exponent = 0;
        return suffix.Length > 1 && suffix[0] is 'e' or 'E' &&
               int.TryParse(suffix.AsSpan(1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent);
    }

    private static BigInteger CeilingDivide(BigInteger numerator, BigInteger denominator)
    {
        var quotient = BigInteger.DivRem(numerator, denominator, out var remainder);
        return remainder.IsZero ? quotient : quotient + 1;
    }

    /// <summary>Divides and rounds away from zero, which is how upstream rounds quantities.</summary>
    private static BigInteger DivideAwayFromZero(BigInteger value, BigInteger divisor)
    {
        var quotient = BigInteger.DivRem(value, divisor, out var remainder);
        return remainder.IsZero ? quotient : quotient + value.Sign;
    }

    /// <summary>The value rounded away from zero to a whole number of units (upstream's Value()).</summary>
    public long Value() => ScaledValue(0);

    /// <summary>The value in thousandths, rounded away from zero (upstream's MilliValue()).</summary>
    public long MilliValue() => ScaledValue(-3);

    /// <summary>The value in units of 10^scale, rounded away from zero and clamped to the int64 range.</summary>
    public long ScaledValue(int scale)
    {
        var scaled = ScaledBig(scale);
        return scaled > long.MaxValue ? long.MaxValue : scaled < long.MinValue ? long.MinValue : (long)scaled;
    }

    private BigInteger ScaledBig(int scale)
    {
        var shift = scale + 9;
        return shift >= 0
            ? DivideAwayFromZero(_nanos, BigInteger.Pow(10, shift))
            : _nanos * BigInteger.Pow(10, -shift);
    }

    public double ToDouble() => (double)_nanos / 1e9;

    /// <summary>Rounds away from zero to a multiple of 10^scale (scale -3 is milli), as SetDefaults_ResourceList does.</summary>
    public Quantity RoundUp(int scale)
    {
        if (scale <= -9)
        {
            return this;
        }
        var step = BigInteger.Pow(10, scale + 9);
        return new Quantity(DivideAwayFromZero(_nanos, step) * step, Format);
    }

    public Quantity Negate() => new(-_nanos, Format);

    /// <summary>Sum keeping the left format, unless the left is zero (upstream's Add).</summary>
    public static Quantity operator +(Quantity left, Quantity right) =>
        new(left._nanos + right._nanos, left.IsZero ? right.Format : left.Format);

    public static Quantity operator -(Quantity left, Quantity right) =>
        new(left._nanos - right._nanos, left.IsZero ? right.Format : left.Format);

    public static Quantity operator -(Quantity value) => value.Negate();

    public static Quantity operator *(Quantity left, long factor) => new(left._nanos * factor, left.Format);

    public static Quantity Add(Quantity left, Quantity right) => left + right;

    public static Quantity Subtract(Quantity left, Quantity right) => left - right;

    public static Quantity Multiply(Quantity left, long factor) => left * factor;

    public static Quantity Max(Quantity left, Quantity right) => left >= right ? left : right;

    public static Quantity Min(Quantity left, Quantity right) => left <= right ? left : right;

    public int CompareTo(Quantity other) => _nanos.CompareTo(other._nanos);

    public int CompareTo(object? obj) => obj is Quantity q ? CompareTo(q) : throw new ArgumentException("not a Quantity", nameof(obj));

    public bool Equals(Quantity other) => _nanos == other._nanos;

    public override bool Equals(object? obj) => obj is Quantity q && Equals(q);

    public override int GetHashCode() => _nanos.GetHashCode();

    public static bool operator ==(Quantity left, Quantity right) => left.Equals(right);

    public static bool operator !=(Quantity left, Quantity right) => !left.Equals(right);

    public static bool operator <(Quantity left, Quantity right) => left.CompareTo(right) < 0;

    public static bool operator >(Quantity left, Quantity right) => left.CompareTo(right) > 0;

    public static bool operator <=(Quantity left, Quantity right) => left.CompareTo(right) <= 0;

    public static bool operator >=(Quantity left, Quantity right) => left.CompareTo(right) >= 0;

    /// <summary>The canonical text upstream serializes: the largest suffix that keeps an integer mantissa.</summary>
    public override string ToString()
    {
        if (_nanos.IsZero)
        {
            return "0";
        }

        var builder = new StringBuilder();
        if (_nanos.Sign < 0)
        {
            builder.Append('-');
        }
        var magnitude = BigInteger.Abs(_nanos);

        var format = Format;
        if (format == QuantityFormat.BinarySI &&
            (magnitude < 1024 * NanosPerUnit || !(magnitude % NanosPerUnit).IsZero))
        {
            // Small or fractional binary values would need rounding; write them in decimal instead.
            format = QuantityFormat.DecimalSI;
        }

        if (format == QuantityFormat.BinarySI)
        {
            var units = magnitude / NanosPerUnit;
            var power = 0;
            while (power < 6 && (units % 1024).IsZero)
            {
                units /= 1024;
                power++;
            }
            builder.Append(units.ToString(CultureInfo.InvariantCulture));
            builder.Append(power switch { 0 => "", 1 => "Ki", 2 => "Mi", 3 => "Gi", 4 => "Ti", 5 => "Pi", _ => "Ei" });
            return builder.ToString();
        }

        var mantissa = magnitude;
        var exponent = -9;
        while ((mantissa % 10).IsZero)
        {
            mantissa /= 10;
            exponent++;
        }
        var misalignment = ((exponent % 3) + 3) % 3;
        mantissa *= BigInteger.Pow(10, misalignment);
        exponent -= misalignment;

        if (format == QuantityFormat.DecimalExponent)
        {
            builder.Append(mantissa.ToString(CultureInfo.InvariantCulture));
            if (exponent != 0)
            {
                builder.Append('e').Append(exponent.ToString(CultureInfo.InvariantCulture));
            }
            return builder.ToString();
        }

        if (exponent > 18)
        {
            // Beyond exa there is no SI suffix; keep the value exact with a longer mantissa.
            mantissa *= BigInteger.Pow(10, exponent - 18);
            exponent = 18;
        }
        builder.Append(mantissa.ToString(CultureInfo.InvariantCulture));
        builder.Append(exponent switch
        {
            -9 => "n",
            -6 => "u",
            -3 => "m",
            0 => "",
            3 => "k",
            6 => "M",
            9 => "G",
            12 => "T",
            15 => "P",
            _ => "E",
        });
        return builder.ToString();
    }
}
