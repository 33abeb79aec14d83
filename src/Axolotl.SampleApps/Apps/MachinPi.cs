using System.Globalization;
using System.Text;

namespace Axolotl.SampleApps.Apps;

/// <summary>
/// Pi by Machin's formula, pi = 16·arccot(5) − 4·arccot(239), in decimal fixed point: limbs of
/// nine digits, most significant first, limb 0 the integer part. Every series step is a long
/// division by a small integer, O(limbs), which is several times faster than BigInteger division
/// by a small divisor and keeps the cost a plain function of CPU time (quadratic in the digits).
/// </summary>
public static class MachinPi
{
    private const uint Base = 1_000_000_000;
    private const int GuardLimbs = 2;

    public static string Compute(int decimalPlaces)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(decimalPlaces);
        var limbs = 1 + ((decimalPlaces + 8) / 9) + GuardLimbs;
        var a = ArcCot(5, limbs);
        var b = ArcCot(239, limbs);
        MultiplySmall(a, 16);
        MultiplySmall(b, 4);
        Subtract(a, b);

        var text = new StringBuilder(decimalPlaces + 12);
        text.Append(a[0].ToString(CultureInfo.InvariantCulture));
        if (decimalPlaces == 0)
        {
            return text.ToString();
        }

        text.Append('.');
        for (var i = 1; i < limbs; i++)
        {
            text.Append(a[i].ToString("D9", CultureInfo.InvariantCulture));
        }

        // Truncate (not round) to the places asked for; the guard limbs absorb the series' error.
        return text.ToString(0, text.ToString().IndexOf('.', StringComparison.Ordinal) + 1 + decimalPlaces);
    }

    // arccot(x) = Σ (-1)^k / ((2k+1)·x^(2k+1)); "power" holds 1/x^(2k+1) and shrinks, so its
    // leading zero limbs are skipped.
    private static uint[] ArcCot(uint x, int limbs)
    {
        var sum = new uint[limbs];
        var power = new uint[limbs];
        var term = new uint[limbs];
        power[0] = 1;
        var start = DivideSmall(power, x, 0);
        Array.Copy(power, sum, limbs);
        var x2 = x * x;
        var subtract = true;
        for (uint n = 3; start < limbs; n += 2)
        {
            start = DivideSmall(power, x2, start);
            if (start >= limbs)
            {
                break;
            }

            DivideSmall(power, n, start, term);
            if (subtract)
            {
                Subtract(sum, term, start);
            }
            else
            {
                Add(sum, term, start);
            }

            Array.Clear(term, start, limbs - start);
            subtract = !subtract;
        }

        return sum;
    }

    /// <summary>value /= divisor from limb <paramref name="start"/>; returns the first non-zero limb index (limbs.Length when zero).</summary>
    private static int DivideSmall(uint[] value, uint divisor, int start) => DivideSmall(value, divisor, start, value);

    /// <summary>quotient = value / divisor from limb <paramref name="start"/> (quotient may be value).</summary>
    private static int DivideSmall(uint[] value, uint divisor, int start, uint[] quotient)
    {
        // A hardware 64-bit division per limb dominates the run time; a double reciprocal gives the
        // quotient digit to within one (it is below 2^30, far inside a double's 53 bits), then an
        // exact integer correction.
        var reciprocal = 1.0 / divisor;
        long remainder = 0;
        var firstNonZero = value.Length;
        for (var i = start; i < value.Length; i++)
        {
            var current = (remainder * Base) + value[i];
            var q = (long)(current * reciprocal);
            var r = current - (q * divisor);
            if (r < 0)
            {
                q--;
                r += divisor;
            }
            else if (r >= divisor)
            {
                q++;
                r -= divisor;
            }

            remainder = r;
            quotient[i] = (uint)q;
            if (q != 0 && firstNonZero == value.Length)
            {
                firstNonZero = i;
            }
        }

        return firstNonZero;
    }

    private static void MultiplySmall(uint[] value, uint factor)
    {
        ulong carry = 0;
        for (var i = value.Length - 1; i >= 0; i--)
        {
            var current = ((ulong)value[i] * factor) + carry;
            value[i] = (uint)(current % Base);
            carry = current / Base;
        }
    }

    private static void Add(uint[] target, uint[] addend, int start = 0)
    {
        uint carry = 0;
        for (var i = target.Length - 1; i >= start || (carry != 0 && i >= 0); i--)
        {
            var current = target[i] + addend[i] + carry;
            carry = current >= Base ? 1u : 0u;
            target[i] = current - (carry * Base);
        }
    }

    private static void Subtract(uint[] target, uint[] subtrahend, int start = 0)
    {
        long borrow = 0;
        for (var i = target.Length - 1; i >= start || (borrow != 0 && i >= 0); i--)
        {
            var current = (long)target[i] - subtrahend[i] - borrow;
            borrow = current < 0 ? 1 : 0;
            target[i] = (uint)(current + (borrow * Base));
        }
    }
}
