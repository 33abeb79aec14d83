using Axolotl.Cel.Values;

namespace Axolotl.Cel.Library;

/// <summary>Arithmetic, comparison, membership and indexing, with the spec's overflow and division errors.</summary>
internal static class Operators
{
    public static void Register(Dictionary<string, CelFunction> g)
    {
        g["+"] = (a, _) => Add(a[0], a[1]);
        g["-"] = (a, _) => Subtract(a[0], a[1]);
        g["*"] = (a, _) => Multiply(a[0], a[1]);
        g["/"] = (a, _) => Divide(a[0], a[1]);
        g["%"] = (a, _) => Modulo(a[0], a[1]);
        g["-_"] = (a, _) => a[0] switch
        {
            long l => l == long.MinValue ? Overflow() : -l,
            double d => -d,
            TimeSpan t => -t,
            _ => CelError.NoSuchOverload("-_"),
        };
        g["!_"] = (a, _) => a[0] is bool b ? !b : CelError.NoSuchOverload("!_");
        g["=="] = (a, _) => CelValues.Equal(a[0], a[1]);
        g["!="] = (a, _) => CelValues.Equal(a[0], a[1]) is bool b ? !b : CelError.NoSuchOverload("_!=_");
        g["<"] = (a, _) => Relation(a[0], a[1], "<", c => c < 0);
        g["<="] = (a, _) => Relation(a[0], a[1], "<=", c => c <= 0);
        g[">"] = (a, _) => Relation(a[0], a[1], ">", c => c > 0);
        g[">="] = (a, _) => Relation(a[0], a[1], ">=", c => c >= 0);
        g["in"] = (a, _) => In(a[0], a[1]);
        g["[]"] = (a, _) => Index(a[0], a[1]);
        g["[?]"] = (a, _) => OptionalIndex(a[0], a[1]);
    }

    internal static CelError Overflow() => new("return error for overflow");

    private static object Relation(object a, object b, string op, Func<int, bool> test)
    {
        if (CelValues.IsNumber(a) && CelValues.IsNumber(b))
        {
            var c = CelValues.CompareNumbers(a, b);
            return c != int.MinValue && test(c);
        }

        var r = CelValues.Compare(a, b);
        return r is { } v ? test(v) : CelError.NoSuchOverload($"_{op}_");
    }

    private static object Add(object a, object b)
    {
        try
        {
            switch (a, b)
            {
                case (long x, long y): return checked(x + y);
                case (ulong x, ulong y): return checked(x + y);
                case (double x, double y): return x + y;
                case (string x, string y):
                    return x + y;
                case (CelBytes x, CelBytes y):
                    return new CelBytes([.. x.Data, .. y.Data]);
                case (IReadOnlyList<object> x, IReadOnlyList<object> y):
                    // cel-go charges 1 for this, so it must not copy: a rule could otherwise double a list per step.
                    return CelConcatList.Of(x, y);
                case (DateTimeOffset t, TimeSpan d): return TimeFunctions.CheckTimestamp(t.Add(d));
                case (TimeSpan d, DateTimeOffset t): return TimeFunctions.CheckTimestamp(t.Add(d));
                case (TimeSpan x, TimeSpan y): return TimeFunctions.CheckDuration(x + y);
            }
        }
        catch (OverflowException)
        {
            return Overflow();
        }
        catch (ArgumentOutOfRangeException)
        {
            return Overflow();
        }

        return CelError.NoSuchOverload("_+_");
    }

    private static object Subtract(object a, object b)
    {
        try
        {
            switch (a, b)
            {
                case (long x, long y): return checked(x - y);
                case (ulong x, ulong y): return checked(x - y);
                case (double x, double y): return x - y;
                case (DateTimeOffset x, DateTimeOffset y): return TimeFunctions.CheckDuration(x - y);
                case (DateTimeOffset t, TimeSpan d): return TimeFunctions.CheckTimestamp(t.Subtract(d));
                case (TimeSpan x, TimeSpan y): return TimeFunctions.CheckDuration(x - y);
            }
        }
        catch (OverflowException)
        {
            return Overflow();
        }
        catch (ArgumentOutOfRangeException)
        {
            return Overflow();
        }

        return CelError.NoSuchOverload("_-_");
    }

    private static object Multiply(object a, object b)
    {
        try
        {
            return (a, b) switch
            {
                (long x, long y) => checked(x * y),
                (ulong x, ulong y) => checked(x * y),
                (double x, double y) => x * y,
                _ => CelError.NoSuchOverload("_*_"),
            };
        }
        catch (OverflowException)
        {
            return Overflow();
        }
    }

    private static object Divide(object a, object b) => (a, b) switch
    {
        (long, 0L) or (ulong, 0UL) => new CelError("division by zero"),
        (long x, long y) => x == long.MinValue && y == -1 ? Overflow() : x / y,
        (ulong x, ulong y) => x / y,
        (double x, double y) => x / y,
        _ => CelError.NoSuchOverload("_/_"),
    };

    private static object Modulo(object a, object b) => (a, b) switch
    {
        (long, 0L) or (ulong, 0UL) => new CelError("modulus by zero"),
        (long x, long y) => x == long.MinValue && y == -1 ? Overflow() : x % y,
        (ulong x, ulong y) => x % y,
        _ => CelError.NoSuchOverload("_%_"),
    };

    private static object In(object item, object container)
    {
        switch (container)
        {
            case IReadOnlyList<object> list:
                foreach (var x in list)
                {
                    if (CelValues.Equal(item, x))
                    {
                        return true;
                    }
                }

                return false;
            case CelMap map:
                return map.TryGetValue(item, out _);
            default:
                return CelError.NoSuchOverload("@in");
        }
    }

    internal static object Index(object target, object index)
    {
        switch (target)
        {
            case IReadOnlyList<object> list:
                long? i = index switch
                {
                    long l => l,
                    ulong u when u <= long.MaxValue => (long)u,
                    double d when Math.Floor(d) == d && d is > -9.2e18 and < 9.2e18 => (long)d,
                    _ => null,
                };
                if (i is null)
                {
                    return index is long or ulong or double ? new CelError($"invalid_argument: index {CelValues.Format(index)}") : CelError.NoSuchOverload("_[_]");
                }

                return i >= 0 && i < list.Count ? list[(int)i] : new CelError($"index out of bounds: {i}");
            case CelMap map:
                if (!CelMap.IsValidKey(index) && index is not double)
                {
                    return CelError.NoSuchOverload("_[_]");
                }

                return map.TryGetValue(index, out var v) ? v : CelError.NoSuchKey(index);
            case CelOptional opt:
                if (!opt.HasValue)
                {
                    return CelOptional.None;
                }

                var inner = Index(opt.Value!, index);
                return inner is CelError ? CelOptional.None : CelOptional.Of(inner);
            default:
                return CelError.NoSuchOverload("_[_]");
        }
    }

    internal static object OptionalIndex(object target, object index)
    {
        if (target is CelOptional opt)
        {
            return opt.HasValue ? OptionalIndex(opt.Value!, index) : CelOptional.None;
        }

        if (target is not IReadOnlyList<object> and not CelMap)
        {
            return CelError.NoSuchOverload("_[?_]");
        }

        var v = Index(target, index);
        if (v is CelError e && e.Message.StartsWith("no such overload", StringComparison.Ordinal))
        {
            return v;
        }

        return v is CelError ? CelOptional.None : CelOptional.Of(v);
    }
}
