using System.Globalization;
using Axolotl.Cel.Values;

namespace Axolotl.Cel.Library;

/// <summary>Kubernetes' quantity library: quantity(), isQuantity(), comparisons, add/sub and conversions.</summary>
internal static class QuantityFunctions
{
    private static readonly (string Suffix, decimal Factor)[] Suffixes =
    [
        ("Ki", 1024m), ("Mi", 1024m * 1024), ("Gi", 1024m * 1024 * 1024), ("Ti", 1024m * 1024 * 1024 * 1024),
        ("Pi", 1024m * 1024 * 1024 * 1024 * 1024), ("Ei", 1024m * 1024 * 1024 * 1024 * 1024 * 1024),
        ("n", 1e-9m), ("u", 1e-6m), ("m", 1e-3m), ("k", 1e3m), ("M", 1e6m), ("G", 1e9m), ("T", 1e12m), ("P", 1e15m), ("E", 1e18m),
    ];

    public static void Register(Dictionary<string, CelFunction> g, Dictionary<string, CelFunction> m)
    {
        g["quantity"] = (a, _) => a is [string s] ? (object?)Parse(s) ?? new CelError($"quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': {s}") : CelError.NoSuchOverload("quantity");
        g["isQuantity"] = (a, _) => a is [string s] ? Parse(s) is not null : CelError.NoSuchOverload("isQuantity");
        m["isLessThan"] = (a, _) => a is [CelQuantity x, CelQuantity y] ? x.Value < y.Value : CelError.NoSuchOverload("isLessThan");
        m["isGreaterThan"] = (a, _) => a is [CelQuantity x, CelQuantity y] ? x.Value > y.Value : CelError.NoSuchOverload("isGreaterThan");
        m["compareTo"] = (a, _) => a is [CelQuantity x, CelQuantity y] ? (long)x.Value.CompareTo(y.Value) : CelError.NoSuchOverload("compareTo");
        m["sign"] = (a, _) => a is [CelQuantity x] ? (long)Math.Sign(x.Value) : CelError.NoSuchOverload("sign");
        m["isInteger"] = (a, _) => a is [CelQuantity x] ? x.Value == decimal.Truncate(x.Value) && x.Value is >= long.MinValue and <= long.MaxValue : CelError.NoSuchOverload("isInteger");
        m["asInteger"] = (a, _) => a is [CelQuantity x]
            ? x.Value == decimal.Truncate(x.Value) && x.Value is >= long.MinValue and <= long.MaxValue ? (long)x.Value : new CelError("cannot convert value to integer")
            : CelError.NoSuchOverload("asInteger");
        m["asApproximateFloat"] = (a, _) => a is [CelQuantity x] ? (double)x.Value : CelError.NoSuchOverload("asApproximateFloat");
        m["add"] = (a, _) => Arith(a, "add", (x, y) => x + y);
        m["sub"] = (a, _) => Arith(a, "sub", (x, y) => x - y);
    }

    private static object Arith(object[] a, string name, Func<decimal, decimal, decimal> f)
    {
        decimal? y = a switch
        {
            [CelQuantity, CelQuantity q] => q.Value,
            [CelQuantity, long l] => l,
            _ => null,
        };
        if (y is null)
        {
            return CelError.NoSuchOverload(name);
        }

        try
        {
            var v = f(((CelQuantity)a[0]).Value, y.Value);
            return new CelQuantity(v, v.ToString(CultureInfo.InvariantCulture));
        }
        catch (OverflowException)
        {
            return Operators.Overflow();
        }
    }

    internal static CelQuantity? Parse(string s)
    {
        var end = 0;
        if (end < s.Length && s[end] is '+' or '-')
        {
            end++;
        }

        while (end < s.Length && (char.IsAsciiDigit(s[end]) || s[end] == '.'))
        {
            end++;
        }

        if (!decimal.TryParse(s[..end], NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            return null;
        }

        var suffix = s[end..];
        try
        {
            if (suffix.Length == 0)
            {
                return new CelQuantity(number, s);
            }

            foreach (var (name, factor) in Suffixes)
            {
                if (suffix == name)
                {
                    return new CelQuantity(number * factor, s);
                }
            }

            if (suffix[0] is 'e' or 'E' && int.TryParse(suffix[1..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var exp) && exp is >= -18 and <= 18)
            {
                return new CelQuantity(number * Pow10(exp), s);
            }
        }
        catch (OverflowException)
        {
            return null;
        }

        return null;
    }

    private static decimal Pow10(int exp)
    {
        var r = 1m;
        for (var i = 0; i < Math.Abs(exp); i++)
        {
            r *= 10;
        }

        return exp < 0 ? 1 / r : r;
    }
}
